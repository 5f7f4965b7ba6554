package io.causalkv.keys;

import io.causalkv.replication.LocalShard;
import io.causalkv.replication.ShardReplica;
import io.causalkv.replication.Write;

/**
 * The replica that serves a request on this node: a shard member's (its replicator, anti-entropy
 * and peers with it), or a standalone node's only store, which has no peers.
 */
public record Hosted(ShardReplica replica, LocalShard shard) {

    public static Hosted standalone(ShardReplica replica) {
        return new Hosted(replica, null);
    }

    public static Hosted member(LocalShard shard) {
        return new Hosted(shard.replica(), shard);
    }

    /** Hands a write taken here to the shard's replicator (nothing to do on a standalone node). */
    void replicate(Write write) {
        if (shard != null) {
            shard.replicator().replicate(write);
        }
    }
}
