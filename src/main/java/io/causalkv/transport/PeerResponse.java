package io.causalkv.transport;

/** A peer's answer: its status code and body bytes, unchanged. */
public record PeerResponse(int status, byte[] body) {
}
