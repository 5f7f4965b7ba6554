package io.causalkv.transport;

import io.causalkv.cluster.NodeAddress;
import java.time.Duration;

/** A {@link PeerClient} that applies {@link NetworkFaults} before each call of another client. */
final class FaultyPeerClient implements PeerClient {

    private final NodeAddress self;
    private final PeerClient delegate;
    private final NetworkFaults faults;
    private final Runnable onClose;

    FaultyPeerClient(NodeAddress self, PeerClient delegate, NetworkFaults faults, Runnable onClose) {
        this.self = self;
        this.delegate = delegate;
        this.faults = faults;
        this.onClose = onClose;
    }

    @Override
    public <Q, A> A call(NodeAddress to, PeerOperation<Q, A> operation, Q request, Duration timeout)
            throws PeerUnreachableException {
        faults.apply(self, to);
        return delegate.call(to, operation, request, timeout);
    }

    @Override
    public PeerResponse relay(NodeAddress to, PeerRequest request) throws PeerUnreachableException {
        faults.apply(self, to);
        return delegate.relay(to, request);
    }

    @Override
    public void close() {
        onClose.run();
        delegate.close();
    }
}
