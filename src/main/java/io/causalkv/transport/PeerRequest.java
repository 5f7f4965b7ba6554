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

    public PeerRequest(String method, String rawPath, byte[] body, Duration timeout) {
        this(method, rawPath, body, timeout, 0);
    }
}
