package io.causalkv.replication;

import io.causalkv.cluster.ShardRef;

/** A client write reached a replica whose layout is being replaced; it is retried in the new layout. */
public final class ReplicaFrozenException extends RuntimeException {

    public ReplicaFrozenException(ShardRef ref) {
        super(ref + " is handing over its keys", null, false, false);
    }
}
