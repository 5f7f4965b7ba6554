package io.causalkv.node;

/** A key request the core refuses; each dialect renders the reason in its own words. */
public final class KeyRequestRejected extends RuntimeException {

    public enum Reason { KEY_TOO_LONG, VALUE_MISSING }

    private final Reason reason;

    public KeyRequestRejected(Reason reason) {
        super(reason.name(), null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
