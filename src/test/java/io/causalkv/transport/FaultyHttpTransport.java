package io.causalkv.transport;

import io.causalkv.cluster.NodeAddress;
import java.util.Optional;

/** Real HTTP between nodes, with a partition or delay injected in the peer transport. */
public final class FaultyHttpTransport implements PeerTransport {

    private final NetworkFaults faults;

    public FaultyHttpTransport(NetworkFaults faults) {
        this.faults = faults;
    }

    @Override
    public PeerClient connect(NodeAddress self, PeerHandler handler, Optional<ClusterToken> token) {
        return new FaultyPeerClient(self, new HttpPeerClient(token), faults, () -> { });
    }
}
