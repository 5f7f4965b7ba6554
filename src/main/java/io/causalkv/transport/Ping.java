package io.causalkv.transport;

import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;

/** A heartbeat; it carries the sender's cluster map, so membership spreads with every probe. */
public record Ping(NodeAddress from, ClusterMap map) {
}
