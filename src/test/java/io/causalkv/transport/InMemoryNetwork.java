package io.causalkv.transport;

import io.causalkv.cluster.NodeAddress;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A network in this JVM: peer calls go straight to the target node's {@link PeerHandler}, with
 * the {@link NetworkFaults} applied. A node is reachable while it runs (from connect to close).
 * Client relays (forwarding, proxying) still use real HTTP, with the same faults.
 */
public final class InMemoryNetwork implements PeerTransport {

    private final NetworkFaults faults;
    private final Map<NodeAddress, PeerHandler> nodes = new ConcurrentHashMap<>();

    public InMemoryNetwork(NetworkFaults faults) {
        this.faults = faults;
    }

    @Override
    public PeerClient connect(NodeAddress self, PeerHandler handler, Optional<ClusterToken> token) {
        if (self != null) {
            nodes.put(self, handler);
        }
        PeerClient direct = new Direct(token);
        return new FaultyPeerClient(self, direct, faults, () -> {
            if (self != null) {
                nodes.remove(self, handler);
            }
        });
    }

    private final class Direct implements PeerClient {
        private final HttpPeerClient http;

        Direct(Optional<ClusterToken> token) {
            this.http = new HttpPeerClient(token);
        }

        private PeerHandler target(NodeAddress to) throws PeerUnreachableException {
            PeerHandler handler = nodes.get(to);
            if (handler == null) {
                throw new PeerUnreachableException(to, new IOException("connection refused"));
            }
            return handler;
        }

        /** Straight to the handler, no encoding; the timeout is the faults' business (NetworkFaults). */
        @Override
        public <Q, A> A call(NodeAddress to, PeerOperation<Q, A> operation, Q request, Duration timeout)
                throws PeerUnreachableException {
            PeerHandler handler = target(to);
            try {
                return operation.handle(handler, request);
            } catch (RuntimeException e) {
                // A node that is stopping, or not in a cluster, is as good as unreachable.
                throw new PeerUnreachableException(to, e);
            }
        }

        @Override
        public PeerResponse relay(NodeAddress to, PeerRequest request) throws PeerUnreachableException {
            return http.relay(to, request);
        }

        @Override
        public void close() {
            http.close();
        }
    }
}
