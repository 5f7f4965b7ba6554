package io.causalkv.node;

import io.causalkv.durability.DataDirectory;
import io.causalkv.transport.PeerTransport;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.lang.System.Logger.Level;

/**
 * Builds the node when the webapp starts: reads and validates the settings (environment
 * variables, overridden by context init parameters so several nodes can share one JVM), creates
 * the {@link Node}, joins the cluster (announce, fetch state; bounded) and only then leaves the
 * node in a context attribute for the Jersey application, which starts after it.
 */
public final class NodeBootstrap implements ServletContextListener {

    /** The context attribute that holds this webapp's {@link Node}. */
    public static final String NODE_ATTRIBUTE = Node.class.getName();

    private static final System.Logger LOG = System.getLogger(NodeBootstrap.class.getName());

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        NodeConfig config;
        try {
            config = NodeConfigParser.parse(name -> setting(context, name));
        } catch (InvalidSettingException e) {
            String line = "causalkv: refusing to start: " + e.getMessage();
            System.err.println(line);
            throw new IllegalStateException(line);
        }
        // Tests put another transport (in-memory network, injected faults) into the context.
        PeerTransport transport = context.getAttribute(PeerTransport.CONTEXT_ATTRIBUTE) instanceof PeerTransport t
                ? t : PeerTransport.HTTP;
        Node node;
        try {
            node = new Node(config, transport);
        } catch (DataDirectory.Refused e) {
            throw refuse(e);
        }
        try {
            node.start();
        } catch (DataDirectory.Refused e) {
            node.close();
            throw refuse(e);
        }
        context.setAttribute(NODE_ATTRIBUTE, node);
        LOG.log(Level.INFO, "causalkv node started: mode={0}, address={1}, view={2}, dialects={3}",
                config.mode(), config.address().map(Object::toString).orElse("-"), config.view(), config.dialects());
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        if (context.getAttribute(NODE_ATTRIBUTE) instanceof Node node) {
            context.removeAttribute(NODE_ATTRIBUTE);
            node.close();
        }
    }

    /** A data directory this node must not use, or a corrupt log: one line, and no start. */
    private static IllegalStateException refuse(DataDirectory.Refused e) {
        String line = "causalkv: refusing to start: " + e.getMessage();
        System.err.println(line);
        return new IllegalStateException(line);
    }

    private static String setting(ServletContext context, String name) {
        String fromContext = context.getInitParameter(name);
        return fromContext != null ? fromContext : System.getenv(name);
    }
}
