package io.causalkv.testing;

import io.causalkv.node.Node;
import io.causalkv.node.NodeConfigParser;
import io.causalkv.transport.PeerTransport;
import java.util.Map;

/** Nodes built directly from settings, for tests that run the application without a servlet container. */
public final class TestNodes {

    private TestNodes() {
    }

    public static Node node(Map<String, String> settings) {
        Node node = new Node(NodeConfigParser.parse(settings::get), PeerTransport.HTTP);
        node.start();
        return node;
    }

    public static Node standalone() {
        return node(Map.of());
    }
}
