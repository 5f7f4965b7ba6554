package io.causalkv.transport;

import java.time.Duration;

/**
 * One HTTP request to another node: method, raw (still percent-encoded) path, JSON body (may be
 * empty), the time the caller is willing to wait for the whole answer, and how many times the
 * request has already been proxied between nodes ({@link #HOPS_HEADER}), which bounds proxying
 * while nodes briefly disagree on the layout.
 */
public record PeerRequest(String method, String rawPath, byte[] body, Duration timeout, int hops) {

    /** The header that carries {@link #hops()} on a proxied client request. */
    public static final String HOPS_HEADER = "X-Causalkv-Hops";

    /** The header that carries, on a proxied request, the milliseconds the relaying node will wait. */
    public static final String BUDGET_HEADER = "X-Causalkv-Budget-Ms";

    /**
     * The header that carries, on every request between nodes, the sender's wall-clock time
     * (epoch milliseconds) at which it stops waiting for the answer. The receiver refuses a request
     * read after it: a delivery the sender gave up on must not take effect later (API.md 10.3).
     * It assumes the nodes' clocks agree to well within the shortest peer timeout (400 ms).
     */
    public static final String DEADLINE_HEADER = "X-Causalkv-Deadline";

    /**
     * The header on the 503 of a request refused for its {@link #DEADLINE_HEADER}: the receiver
     * did not act on it. The sender takes that as a request not delivered, never as an answer to
     * pass on (its client gets the dialect's own answer for a peer that did not answer).
     */
    public static final String EXPIRED_HEADER = "X-Causalkv-Expired";

    public PeerRequest(String method, String rawPath, byte[] body, Duration timeout) {
        this(method, rawPath, body, timeout, 0);
    }
}
