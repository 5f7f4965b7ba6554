package io.causalkv.node;

import java.time.Duration;

/**
 * What a key request does when its causal metadata names writes of this shard that the serving
 * replica has not applied yet (API.md 4.4, last table): each dialect has its own rule, the core
 * applies it.
 *
 * @param kind the rule
 * @param bound how long the request may wait for, or fetch, the missing writes
 */
public record DependencyPolicy(Kind kind, Duration bound) {

    public enum Kind {
        /** {@code kvs}: 503 at once (API.md 6.4). */
        REFUSE,
        /** {@code key-value-store}: wait up to the bound for them to arrive, then 503 (7.2). */
        WAIT,
        /**
         * {@code kvs-keys}: writes are accepted at once, recorded as depending on them; a read
         * fetches from the shard's peers up to the bound, else is refused as unsatisfiable (8.6).
         */
        ACCEPT_WRITES
    }

    public static final DependencyPolicy REFUSE = new DependencyPolicy(Kind.REFUSE, Duration.ZERO);

    public static DependencyPolicy waitUpTo(Duration bound) {
        return new DependencyPolicy(Kind.WAIT, bound);
    }

    public static DependencyPolicy acceptWrites(Duration fetchBound) {
        return new DependencyPolicy(Kind.ACCEPT_WRITES, fetchBound);
    }
}
