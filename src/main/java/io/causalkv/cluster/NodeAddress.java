package io.causalkv.cluster;

import java.util.regex.Pattern;

/**
 * A node's {@code HOST:PORT}, exactly as configured. Nodes reach each other only at these
 * addresses (API.md 2.1), so the text form is the identity: two addresses are equal when their
 * text is.
 */
public record NodeAddress(String host, int port) {

    // An IPv4 address or a DNS name (Kubernetes and compose use stable names), or a bracketed IPv6.
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\\[[0-9A-Fa-f:.]+]");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    public NodeAddress {
        if (host == null || !HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("invalid host: " + host);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    /** Parses {@code HOST:PORT}; throws {@link IllegalArgumentException} with a short reason. */
    public static NodeAddress parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing address");
        }
        String trimmed = text.strip();
        int colon = trimmed.lastIndexOf(':');
        if (colon <= 0 || colon == trimmed.length() - 1) {
            throw new IllegalArgumentException("expected HOST:PORT, got \"" + trimmed + "\"");
        }
        String portText = trimmed.substring(colon + 1);
        if (!PORT.matcher(portText).matches()) {
            throw new IllegalArgumentException("invalid port in \"" + trimmed + "\"");
        }
        return new NodeAddress(trimmed.substring(0, colon), Integer.parseInt(portText));
    }

    /** Like {@link #parse} but answers null instead of throwing, for validating client input. */
    public static NodeAddress tryParse(String text) {
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
