package io.causalkv.replication;

import io.causalkv.causal.CausalContext;
import io.causalkv.causal.CausalMessage;
import io.causalkv.causal.Dot;
import io.causalkv.causal.VectorClock;
import io.causalkv.store.EncodedSize;
import io.causalkv.store.Entry;

/**
 * One write (a value, or a deletion when {@code value} is null) as it travels between replicas:
 * its dot, Lamport time, the writes of its shard it depends on, and its history in other shards.
 */
public record Write(String key, String value, Dot dot, long lamport, VectorClock deps, CausalContext foreign)
        implements CausalMessage {

    public Entry toEntry() {
        return new Entry(value, dot, lamport, foreign);
    }

    /** At least the bytes this write takes in a replication message (see {@link EncodedSize}). */
    public long encodedSize() {
        return EncodedSize.of(key, value, dot.replica(), foreign) + EncodedSize.clock(deps);
    }
}
