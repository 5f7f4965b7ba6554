package io.causalkv.keys;

import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.replication.LocalShard;

/** What routing needs to know of the cluster: the map, the replica hosted here, who answers. */
public interface Placement {

    NodeAddress self();

    ClusterMap map();

    /** The shard replica this node hosts now; null when it hosts none. */
    LocalShard hosted();

    /** Waits until the host has moved on from {@code from} (a reshard froze it); false at the deadline. */
    boolean awaitMoveFrom(LocalShard from, long deadlineNanos);

    /** Waits a little for the host to follow a map that moved this node to another shard. */
    void awaitFollow(long millis);

    /** The failure detector's last word on {@code peer}. */
    boolean isReachable(NodeAddress peer);
}
