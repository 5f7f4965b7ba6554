package io.causalkv.causal;

/**
 * Write times as a hybrid logical clock: a Lamport time whose high bits follow physical time
 * (milliseconds, with {@value #LOGICAL_BITS} bits of logical count below), so that a time a
 * client claims can be checked against the clock on the wall. A replica stamps a write later
 * than everything it and the client have seen, as a Lamport clock does, but takes a client's
 * claim only up to {@link #ceiling}: one request claiming the largest time pinned every replica's
 * clock there for good, and from then on writes tied and the replica id decided (issue 17).
 * Times from peers are trusted: they were stamped under this rule.
 */
public final class HybridTime {

    /** 1,024 writes per millisecond before the logical count carries into the physical part. */
    static final int LOGICAL_BITS = 10;

    /**
     * How far ahead of this node's clock a client's claimed time may be: clocks of the nodes that
     * stamped it may run ahead of this one's by this much without a write here losing to one the
     * client made before. NTP keeps clocks far closer.
     */
    public static final long ALLOWED_SKEW_MILLIS = 10_000;

    private HybridTime() {
    }

    /** The time of a write stamped now with nothing seen: physical time, logical count 0. */
    public static long floor(long nowMillis) {
        return nowMillis << LOGICAL_BITS;
    }

    /** The latest time a client may make this node take from its metadata now. */
    public static long ceiling(long nowMillis) {
        return floor(nowMillis + ALLOWED_SKEW_MILLIS);
    }

    /**
     * The time of a new write: after {@code seen} (this replica's latest), after the client's
     * {@code claimed} time as far as the ceiling allows, at least physical time, and at most
     * {@link CausalContext#MAX_LAMPORT} (every time issued is one a client may send back).
     */
    public static long next(long seen, long claimed, long nowMillis) {
        long after = Math.max(seen, Math.min(claimed, ceiling(nowMillis))) + 1;
        return Math.min(Math.max(after, floor(nowMillis)), CausalContext.MAX_LAMPORT);
    }
}
