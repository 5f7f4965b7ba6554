package io.causalkv.replication;

import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ShardRef;

/**
 * What a node reports of its replica in heartbeats: which shard (null when it holds none), its
 * applied clock (peers of the same shard pull only when it has something they lack), its live
 * key count (for the admin page), whether it has fetched its shard's state yet, and its replica
 * id ("" when not said), by which peers learn that an earlier incarnation of it is gone.
 */
public record ShardStatus(ShardRef shard, VectorClock applied, int liveKeys, boolean ready, String replica) {

    public static final ShardStatus NONE = new ShardStatus(null, VectorClock.EMPTY, 0, false, "");

    public ShardStatus(ShardRef shard, VectorClock applied, int liveKeys, boolean ready) {
        this(shard, applied, liveKeys, ready, "");
    }

    public static ShardStatus of(ShardReplica replica, boolean ready) {
        return new ShardStatus(replica.ref(), replica.applied(), replica.liveKeyCount(), ready, replica.replicaId());
    }
}
