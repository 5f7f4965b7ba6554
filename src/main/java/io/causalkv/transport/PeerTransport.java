package io.causalkv.transport;

import io.causalkv.cluster.NodeAddress;

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
     */
    PeerClient connect(NodeAddress self, PeerHandler handler);

    /** Peer calls over HTTP to the other nodes' {@code /internal/*} endpoints. */
    PeerTransport HTTP = (self, handler) -> new HttpPeerClient();
}
