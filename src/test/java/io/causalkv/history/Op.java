package io.causalkv.history;

/**
 * One client operation as a history records it: who did what to which key, when it was invoked
 * and when it completed (nanoseconds on one clock), what came back, and the causal metadata
 * sent and received.
 *
 * <p>{@code value} is the value written (PUT) or read (GET 200); it is {@code null} for a
 * DELETE and for a read that found no value. Every PUT writes a value no other PUT writes, so a
 * value read names the one write that produced it.
 */
public record Op(
        String session,
        int index,
        Kind kind,
        String key,
        String value,
        String node,
        long invokedNanos,
        long completedNanos,
        int status,
        Outcome outcome,
        String metadataSent,
        String metadataReceived) {

    public enum Kind { PUT, GET, DELETE }

    /**
     * What the client knows of the operation's effect.
     * <ul>
     * <li>{@code OK}: a write acknowledged, or a read that returned a value;</li>
     * <li>{@code NOT_FOUND}: a GET or DELETE answered that the key has no value (no write);</li>
     * <li>{@code FAILED}: definitely without effect (a validation error, a 503 for unmet dependencies), or a read that observed nothing;</li>
     * <li>{@code INDETERMINATE}: a write whose fate the client cannot know (timeout, lost connection, a relay that gave up): it may or may not take effect.</li>
     * </ul>
     */
    public enum Outcome { OK, NOT_FOUND, FAILED, INDETERMINATE }

    /** From invocation to completion, as the client saw it. */
    public long durationNanos() {
        return completedNanos - invokedNanos;
    }

    public boolean isWrite() {
        return kind != Kind.GET;
    }

    /** A write that may have taken effect: acknowledged or indeterminate. */
    public boolean mayHaveWritten() {
        return isWrite() && (outcome == Outcome.OK || outcome == Outcome.INDETERMINATE);
    }

    public boolean isAcknowledgedWrite() {
        return isWrite() && outcome == Outcome.OK;
    }

    /** A GET or DELETE that saw the key's state: a value (GET 200) or no value (404). */
    public boolean isObservation() {
        return (kind == Kind.GET && (outcome == Outcome.OK || outcome == Outcome.NOT_FOUND))
                || (kind == Kind.DELETE && outcome == Outcome.NOT_FOUND);
    }

    /** The observed value, {@code null} for "no value". Only for observations. */
    public String observed() {
        return outcome == Outcome.OK ? value : null;
    }

    public String describe() {
        String what = switch (kind) {
            case PUT -> "PUT " + key + "=" + value;
            case GET -> "GET " + key + (outcome == Outcome.OK ? " -> " + value : outcome == Outcome.NOT_FOUND ? " -> 404" : "");
            case DELETE -> "DELETE " + key;
        };
        return session + "#" + index + " " + what + " at " + node + " [" + status + " " + outcome + ", "
                + millis(invokedNanos) + ".." + millis(completedNanos) + " ms]";
    }

    private static String millis(long nanos) {
        return Long.toString(nanos / 1_000_000);
    }
}
