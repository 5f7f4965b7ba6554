package io.causalkv.history;

/** One broken guarantee found in a history, with a description a reader can act on. */
public record Violation(Kind kind, String description) {

    /** The kinds, each under the check (a, b or c of issue 8) it belongs to. */
    public enum Kind {
        // (a) no acknowledged write lost
        LOST_WRITE,
        PHANTOM_VALUE,
        FAILED_WRITE_VISIBLE,
        KEY_NOT_READ,
        // (b) no causal violation
        READ_YOUR_WRITES,
        MONOTONIC_READS,
        CAUSAL_READ,
        FUTURE_READ,
        CAUSAL_CYCLE,
        // (c) convergence
        DIVERGENT_REPLICAS,
        UNREADABLE_REPLICA,
        SLOW_CONVERGENCE,
        // (d) bounded waits
        SLOW_ANSWER
    }

    @Override
    public String toString() {
        return kind + ": " + description;
    }
}
