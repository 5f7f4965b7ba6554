package io.causalkv.transport;

import io.causalkv.cluster.NodeAddress;
import java.util.Optional;

/**
 * Makes the node's {@link PeerClient}. The production transport is HTTP; tests put another one
 * (an in-memory network, or HTTP with injected faults) into the servlet context attribute
 * {@link #CONTEXT_ATTRIBUTE} before the webapp starts.
 */
public interface PeerTransport {

    String CONTEXT_ATTRIBUTE = PeerTransport.class.getName();

    /**
     * @param self this node's address (null in standalone and forwarding modes)
     * @param handler this node's receiving side, for transports that deliver without HTTP
     * @param token the cluster's secret, which HTTP calls to peers must carry, when set
     */
    PeerClient connect(NodeAddress self, PeerHandler handler, Optional<ClusterToken> token);

    /** Peer calls over HTTP to the other nodes' {@code /internal/*} endpoints. */
    PeerTransport HTTP = (self, handler, token) -> new HttpPeerClient(token);
}
