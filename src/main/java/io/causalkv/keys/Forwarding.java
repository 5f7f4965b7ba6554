package io.causalkv.keys;

import io.causalkv.causal.CausalContext;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerRequest;
import io.causalkv.transport.PeerUnreachableException;
import java.time.Duration;

/**
 * Forwarding mode (API.md 6.2): every key request goes unchanged to the main instance, which
 * validates and answers it; this node keeps nothing.
 */
public final class Forwarding implements KeyStore {

    /**
     * How long a relay to the main instance may take. Kept under API.md's 5 s so that the 503
     * reaches the client within 5 s of its request, not just after it.
     */
    public static final Duration TIMEOUT = Duration.ofMillis(4_500);

    private final NodeAddress main;
    private final PeerClient peers;

    public Forwarding(NodeAddress main, PeerClient peers) {
        this.main = main;
        this.peers = peers;
    }

    @Override
    public KeyAnswer answer(KeyRequest request) {
        PeerRequest received = request.received();
        try {
            return new KeyAnswer.Relayed(peers.relay(main,
                    new PeerRequest(received.method(), received.rawPath(), received.body(), TIMEOUT)), null);
        } catch (PeerUnreachableException e) {
            throw new KeyRequestRejected(KeyRequestRejected.Reason.MAIN_INSTANCE_DOWN, CausalContext.EMPTY);
        }
    }
}
