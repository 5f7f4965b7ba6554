package io.causalkv.transport;

import io.causalkv.cluster.ClusterIdentity;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.replication.ShardStatus;

/**
 * A heartbeat; it carries the sender's cluster map, so membership spreads with every probe, and
 * the state of its replica, so the receiver need not probe back to learn it, and which cluster
 * the sender belongs to ({@link ClusterIdentity}).
 */
public record Ping(NodeAddress from, ClusterMap map, ShardStatus status, ClusterIdentity.Id cluster) {

    public Ping(NodeAddress from, ClusterMap map) {
        this(from, map, ShardStatus.NONE);
    }

    public Ping(NodeAddress from, ClusterMap map, ShardStatus status) {
        this(from, map, status, ClusterIdentity.Id.UNKNOWN);
    }
}
