package io.causalkv.transport;

import io.causalkv.cluster.NodeAddress;

/**
 * The peer refused the connection, failed mid-way, or did not answer within the request's timeout.
 * {@link #mayHaveArrived()} tells the two kinds apart for a caller that must not repeat a request
 * elsewhere: false only when the peer certainly does not act on the request (no connection was
 * made, or the peer refused it unread).
 */
public final class PeerUnreachableException extends Exception {

    private final boolean mayHaveArrived;

    public PeerUnreachableException(NodeAddress peer, Throwable cause) {
        this(peer, cause, true);
    }

    private PeerUnreachableException(NodeAddress peer, Throwable cause, boolean mayHaveArrived) {
        super("peer " + peer + " unreachable: " + (cause == null ? "no answer" : cause.getMessage()), cause);
        this.mayHaveArrived = mayHaveArrived;
    }

    /** No connection could be made: the peer never saw the request. */
    public static PeerUnreachableException notSent(NodeAddress peer, Throwable cause) {
        return new PeerUnreachableException(peer, cause, false);
    }

    /** The peer answered that it refused the request unread (it came after its deadline): it did not act on it. */
    public static PeerUnreachableException notTaken(NodeAddress peer, Throwable cause) {
        return new PeerUnreachableException(peer, cause, false);
    }

    /** Whether the peer may have received (and may act on) the request. */
    public boolean mayHaveArrived() {
        return mayHaveArrived;
    }
}
