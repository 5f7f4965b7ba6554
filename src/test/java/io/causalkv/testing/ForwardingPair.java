package io.causalkv.testing;

import java.util.Map;

/** A main instance and a node forwarding to it (API.md 6.2), both real nodes on 127.0.0.1. */
public final class ForwardingPair implements AutoCloseable {

    private final EmbeddedNode main;
    private final EmbeddedNode forwarder;

    private ForwardingPair(EmbeddedNode main, EmbeddedNode forwarder) {
        this.main = main;
        this.forwarder = forwarder;
    }

    public static ForwardingPair start() throws Exception {
        EmbeddedNode main = EmbeddedNode.start(Map.of());
        try {
            return new ForwardingPair(main, EmbeddedNode.start(Map.of("FORWARDING_ADDRESS", main.address())));
        } catch (Exception e) {
            main.close();
            throw e;
        }
    }

    public EmbeddedNode main() {
        return main;
    }

    /** A request to the forwarding node; {@code body} null for none. */
    public Http.Reply viaForwarder(String method, String path, String body) {
        return body == null ? Http.send(method, forwarder.url(path)) : Http.send(method, forwarder.url(path), body);
    }

    @Override
    public void close() {
        forwarder.close();
        main.close(); // a no-op when the test already stopped it
    }
}
