package io.causalkv.testing;

import io.causalkv.node.Node;
import io.causalkv.node.NodeConfigParser;
import io.causalkv.transport.HttpPeerClient;
import java.util.Map;

/** Nodes built directly from settings, for tests that run the application without a servlet container. */
public final class TestNodes {

    private TestNodes() {
    }

    public static Node node(Map<String, String> settings) {
        return new Node(NodeConfigParser.parse(settings::get), new HttpPeerClient());
    }

    public static Node standalone() {
        return node(Map.of());
    }
}
