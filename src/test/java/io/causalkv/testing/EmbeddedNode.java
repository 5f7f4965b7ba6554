package io.causalkv.testing;

import io.causalkv.jetty.JsonErrorHandler;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * One causalkv node in this JVM: a Jetty server on 127.0.0.1 deploying the real webapp
 * (web.xml, listener, Jersey servlet) with its own settings as context init parameters.
 */
public final class EmbeddedNode implements AutoCloseable {

    private static final Path WEBAPP = Path.of("src/main/webapp");

    private final Server server;
    private final ServerConnector connector;
    /** The connector's listening channel, once open: what it accepted is closed at stop. */
    private volatile RecordingAcceptChannel acceptChannel;
    private final WebAppContext context;

    private EmbeddedNode(int port, Map<String, String> settings, Map<String, Object> attributes) {
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("node-" + port);
        server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        // As the causalkv Jetty module sets them for a standalone node (encoded slashes reach the webapp).
        http.setUriCompliance(UriCompliance.from(CausalkvModule.setting("jetty.httpConfig.uriCompliance")));
        http.setSendServerVersion(Boolean.parseBoolean(CausalkvModule.setting("jetty.httpConfig.sendServerVersion")));
        // One acceptor thread, blocking: the recording channel cannot be registered with a selector.
        connector = new ServerConnector(server, 1, -1, new HttpConnectionFactory(http)) {
            @Override
            protected ServerSocketChannel openAcceptChannel() throws IOException {
                RecordingAcceptChannel channel = new RecordingAcceptChannel(super.openAcceptChannel());
                acceptChannel = channel;
                return channel;
            }
        };
        // As soon as the connector has stopped: the server's stop then still waits for its
        // threads, and a dying process's peers would not wait that long for the reset.
        connector.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStopped(LifeCycle event) {
                closeAccepted();
            }
        });
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setReuseAddress(true);
        server.addConnector(connector);
        context = new WebAppContext();
        context.setContextPath("/");
        context.setBaseResourceAsPath(WEBAPP);
        context.setParentLoaderPriority(true);
        context.setThrowUnavailableOnStartupException(true);
        settings.forEach(context::setInitParameter);
        attributes.forEach(context::setAttribute);
        server.setHandler(context);
        server.setErrorHandler(new JsonErrorHandler());
        // Stop at once, like a process that dies: no graceful wait on open client connections.
        server.setStopTimeout(0);
    }

    /** Binds a free port, then deploys; {@code settingsForPort} may use the port (e.g. in SOCKET_ADDRESS). */
    public static EmbeddedNode start(java.util.function.IntFunction<Map<String, String>> settingsForPort) throws Exception {
        int port = FreePorts.reserve();
        return startOn(port, settingsForPort.apply(port));
    }

    public static EmbeddedNode start(Map<String, String> settings) throws Exception {
        return startOn(FreePorts.reserve(), settings);
    }

    /** Starts on a given port, for nodes whose address is part of another node's settings. */
    public static EmbeddedNode startOn(int port, Map<String, String> settings) throws Exception {
        return startOn(port, settings, Map.of());
    }

    /** Starts with servlet-context attributes too (e.g. the peer transport of a test network). */
    public static EmbeddedNode startOn(int port, Map<String, String> settings, Map<String, Object> attributes) throws Exception {
        EmbeddedNode node = new EmbeddedNode(port, new LinkedHashMap<>(settings), attributes);
        try {
            node.server.start();
        } catch (Exception e) {
            node.close();
            throw e;
        }
        return node;
    }

    public int port() {
        return connector.getLocalPort() > 0 ? connector.getLocalPort() : connector.getPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    public String url(String path) {
        return "http://" + address() + path;
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    /**
     * Stops the server as a process dies: its port refuses connections afterwards, and every
     * connection it accepted is closed (Jetty's stop alone can leave one open, unserved).
     */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop node " + address(), e);
        } finally {
            closeAccepted();
        }
    }

    private void closeAccepted() {
        RecordingAcceptChannel channel = acceptChannel;
        if (channel != null) {
            channel.closeAccepted();
        }
    }
}
