package io.causalkv.transport;

import io.causalkv.cluster.ClusterIdentity;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.replication.ShardStatus;

/**
 * The answer to a heartbeat: the peer's map and the state of its replica (for anti-entropy and
 * the admin page), and its cluster ({@link ClusterIdentity}).
 */
public record PingReply(ClusterMap map, ShardStatus status, ClusterIdentity.Id cluster) {

    public PingReply(ClusterMap map, ShardStatus status) {
        this(map, status, ClusterIdentity.Id.UNKNOWN);
    }
}
