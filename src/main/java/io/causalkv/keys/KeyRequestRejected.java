package io.causalkv.keys;

import io.causalkv.causal.CausalContext;

/**
 * A key request the core refuses; each dialect renders the reason in its own words. Carries the
 * client's context where it was known, for dialects that echo it in errors.
 */
public final class KeyRequestRejected extends RuntimeException {

    public enum Reason {
        KEY_TOO_LONG, VALUE_MISSING, INVALID_METADATA, DEPENDENCIES_UNMET, SHARD_UNAVAILABLE,
        /** A GET or DELETE whose body is not a JSON object (API.md 4.1). */
        MALFORMED_BODY,
        /** Forwarding mode: the main instance did not answer (API.md 6.2). */
        MAIN_INSTANCE_DOWN,
        /** {@code kvs-keys}: a read (or a delete deciding existence) its replica cannot satisfy, even after fetching (8.6). */
        UNSATISFIABLE
    }

    private final Reason reason;
    private final CausalContext context;

    public KeyRequestRejected(Reason reason, CausalContext context) {
        super(reason.name(), null, false, false);
        this.reason = reason;
        this.context = context;
    }

    public Reason reason() {
        return reason;
    }

    public CausalContext context() {
        return context;
    }

    /** The HTTP status every dialect gives this reason: 503 for what may pass, 400 for bad input. */
    public int status() {
        return switch (reason) {
            case DEPENDENCIES_UNMET, SHARD_UNAVAILABLE, MAIN_INSTANCE_DOWN -> 503;
            default -> 400;
        };
    }
}
