package io.causalkv.transport;

import io.causalkv.cluster.ClusterMap;
import io.causalkv.replication.ShardStatus;

/** The answer to a heartbeat: the peer's map and the state of its replica (for anti-entropy and the admin page). */
public record PingReply(ClusterMap map, ShardStatus status) {
}
