package io.causalkv.causal;

/** One write's identity: the replica that coordinated it and that replica's sequence number for it. */
public record Dot(String replica, long seq) {
    public Dot {
        if (replica == null || replica.isEmpty() || seq < 1) {
            throw new IllegalArgumentException("invalid dot " + replica + ":" + seq);
        }
    }
}
