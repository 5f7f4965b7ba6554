package io.causalkv.store;

import io.causalkv.causal.CausalContext;
import io.causalkv.causal.Dot;

/**
 * The latest version of one key: its value as compact JSON text, or null for a tombstone; the
 * write that made it ({@code dot}, {@code lamport}); and the write's causal history in other
 * shards ({@code foreign}, usually empty). Its history in its own shard is implied by the dot,
 * because writes are applied in causal order.
 */
public record Entry(String value, Dot dot, long lamport, CausalContext foreign) {

    public boolean isLive() {
        return value != null;
    }

    /**
     * The deterministic winner among versions of one key: a causally later write always has a
     * higher Lamport time; concurrent writes are ordered by Lamport time, then replica id, the
     * same way on every replica.
     */
    public boolean supersedes(Entry other) {
        if (other == null) {
            return true;
        }
        if (lamport != other.lamport) {
            return lamport > other.lamport;
        }
        int byReplica = dot.replica().compareTo(other.dot.replica());
        return byReplica != 0 ? byReplica > 0 : dot.seq() > other.dot.seq();
    }
}
