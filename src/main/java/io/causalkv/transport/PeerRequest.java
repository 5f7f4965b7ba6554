package io.causalkv.transport;

import java.time.Duration;

/**
 * One HTTP request to another node: method, raw (still percent-encoded) path, JSON body (may be
 * empty) and the time the caller is willing to wait for the whole answer.
 */
public record PeerRequest(String method, String rawPath, byte[] body, Duration timeout) {
}
