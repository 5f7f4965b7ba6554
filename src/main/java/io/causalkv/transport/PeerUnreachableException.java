package io.causalkv.transport;

import io.causalkv.cluster.NodeAddress;

/** The peer refused the connection, failed mid-way, or did not answer within the request's timeout. */
public final class PeerUnreachableException extends Exception {

    public PeerUnreachableException(NodeAddress peer, Throwable cause) {
        super("peer " + peer + " unreachable: " + cause.getMessage(), cause);
    }
}
