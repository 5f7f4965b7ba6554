package io.causalkv.transport;

import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ClusterMap;

/** The answer to a heartbeat: the peer's map and its applied clock (to decide on anti-entropy). */
public record PingReply(ClusterMap map, VectorClock applied) {
}
