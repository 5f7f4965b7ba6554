package io.causalkv.transport;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The cluster's shared secret ({@code CLUSTER_TOKEN}): every peer call and every key relay
 * carries it in {@link #HEADER}, and a node that has one refuses peer traffic without it. It
 * never appears in logs, in {@link #toString()} or in error messages.
 */
public final class ClusterToken {

    /** The request header that carries the token between nodes. */
    public static final String HEADER = "X-Causalkv-Token";

    /** Longer than any sensible secret, and well within a request header's room. */
    static final int MAX_LENGTH = 1024;

    private final String secret;
    /** Compared as SHA-256 digests: equal lengths, so the comparison time says nothing about the secret. */
    private final byte[] digest;

    private ClusterToken(String secret) {
        this.secret = secret;
        this.digest = sha256(secret);
    }

    /**
     * The token of a setting's text: visible ASCII only (it travels in an HTTP header), at most
     * {@value #MAX_LENGTH} characters.
     *
     * @throws IllegalArgumentException naming the problem, never quoting the text
     */
    public static ClusterToken of(String text) {
        if (text.isEmpty() || text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("expected 1 to " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw new IllegalArgumentException("expected visible ASCII characters only (no spaces), at position " + (i + 1));
            }
        }
        return new ClusterToken(text);
    }

    /** Whether a presented header value is this token; false for none. Constant time in the value's content. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(digest, sha256(presented));
    }

    /** True when there is no token (today's open peer protocol), or when {@code presented} is it. */
    public static boolean admits(Optional<ClusterToken> token, String presented) {
        return token.isEmpty() || token.get().matches(presented);
    }

    /** The header value to send; only the HTTP peer client needs it. */
    String headerValue() {
        return secret;
    }

    @Override
    public String toString() {
        return "ClusterToken[hidden]";
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
