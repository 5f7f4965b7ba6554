package io.causalkv.keys;

import java.time.Duration;

/**
 * {@code KVS_WRITE_ACKS=2} (API.md 6.4): a write is answered once a peer of its shard holds it
 * ({@link io.causalkv.replication.Receipt}), or after {@link #WAIT}, whichever comes first (then it counts as single-copy). Only the {@code kvs} dialect stacks it.
 */
public final class AckWait implements KeyStore {

    /** The longest a write waits for a peer to hold it. */
    public static final Duration WAIT = Duration.ofMillis(200);

    private final KeyStore next;
    private final Acknowledgements counted;

    public AckWait(KeyStore next, Acknowledgements counted) {
        this.next = next;
        this.counted = counted;
    }

    @Override
    public KeyAnswer answer(KeyRequest request) {
        KeyAnswer answer = next.answer(request);
        if (answer instanceof KeyAnswer.Served served && served.written().isPresent()) {
            counted.record(request.at().shard().replicator().awaitAcknowledgement(served.written().get().dot().seq(), WAIT));
        }
        return answer;
    }
}
