package io.causalkv.causal;

/** Something delivered in causal order: its own dot and the clock it depends on. */
public interface CausalMessage {

    Dot dot();

    /** Writes (of this shard) that must be applied first; never includes {@link #dot()} itself. */
    VectorClock deps();

    /** At least the bytes it takes: buffers of messages are bounded by bytes, not only by count. */
    long encodedSize();
}
