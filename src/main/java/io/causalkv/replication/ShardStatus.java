package io.causalkv.replication;

import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ShardRef;

/**
 * What a node reports of its replica in heartbeats: which shard (null when it holds none), its
 * applied clock (peers of the same shard pull only when it has something they lack), its live
 * key count (for the admin page), whether it has fetched its shard's state yet, and its replica
 * id ("" when not said), by which peers learn that an earlier incarnation of it is gone, and the
 * last write of each origin it holds without having applied it (usually none), which peers
 * count before dropping a tombstone.
 */
public record ShardStatus(ShardRef shard, VectorClock applied, int liveKeys, boolean ready, String replica, VectorClock held) {

    public static final ShardStatus NONE = new ShardStatus(null, VectorClock.EMPTY, 0, false, "");

    public ShardStatus(ShardRef shard, VectorClock applied, int liveKeys, boolean ready) {
        this(shard, applied, liveKeys, ready, "");
    }

    public ShardStatus(ShardRef shard, VectorClock applied, int liveKeys, boolean ready, String replica) {
        this(shard, applied, liveKeys, ready, replica, VectorClock.EMPTY);
    }

    public static ShardStatus of(ShardReplica replica, boolean ready) {
        VectorClock held = replica.held(); // first: a write held now and applied next is counted either way
        return new ShardStatus(replica.ref(), replica.applied(), replica.liveKeyCount(), ready, replica.replicaId(), held);
    }

    /** Every write the replica has, applied or held: {@link #applied()} merged with {@link #held()}. */
    public VectorClock seen() {
        return applied.merge(held);
    }
}
