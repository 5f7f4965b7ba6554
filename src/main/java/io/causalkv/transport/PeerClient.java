package io.causalkv.transport;

import io.causalkv.cluster.NodeAddress;

/**
 * Every call from this node to another node goes through here, so the same core runs over real
 * HTTP and over a test network that can partition, delay and drop.
 */
public interface PeerClient extends AutoCloseable {

    /**
     * Sends one request and waits for the answer, at most {@link PeerRequest#timeout()}.
     *
     * @throws PeerUnreachableException when no answer arrives in time
     */
    PeerResponse call(NodeAddress peer, PeerRequest request) throws PeerUnreachableException;

    @Override
    void close();
}
