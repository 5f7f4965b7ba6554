package io.causalkv.keys;

import java.util.concurrent.atomic.LongAdder;

/**
 * How this node's {@code KVS_WRITE_ACKS=2} writes were acknowledged (API.md 6.4): once a peer
 * held them (applied, or held unseen until its contact with this node is stable), or without a peer copy (no peer could take them promptly, or none did within
 * the wait). A single-copy write is lost if this node dies before its replication catches up;
 * {@code /metrics} reports both, so that the window is measured, not assumed.
 */
public final class Acknowledgements {

    private final LongAdder peerHeld = new LongAdder();
    private final LongAdder singleCopy = new LongAdder();

    void record(boolean heldByAPeer) {
        (heldByAPeer ? peerHeld : singleCopy).increment();
    }

    public long peerHeld() {
        return peerHeld.sum();
    }

    public long singleCopy() {
        return singleCopy.sum();
    }
}
