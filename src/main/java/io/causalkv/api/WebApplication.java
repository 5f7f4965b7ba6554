package io.causalkv.api;

import io.causalkv.api.ops.NodeMetrics;
import io.causalkv.node.Node;
import io.causalkv.node.NodeBootstrap;
import jakarta.servlet.ServletContext;
import jakarta.ws.rs.core.Context;

/** The application as web.xml deploys it: the node comes from the context, put there by {@link NodeBootstrap}. */
public final class WebApplication extends CausalKvApplication {

    public WebApplication(@Context ServletContext context) {
        super(nodeOf(context), NodeMetrics.of(context, nodeOf(context)));
    }

    private static Node nodeOf(ServletContext context) {
        if (context.getAttribute(NodeBootstrap.NODE_ATTRIBUTE) instanceof Node node) {
            return node;
        }
        throw new IllegalStateException("no node in the servlet context: did NodeBootstrap run?");
    }
}
