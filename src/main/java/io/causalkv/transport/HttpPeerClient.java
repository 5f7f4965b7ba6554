package io.causalkv.transport;

import io.causalkv.cluster.NodeAddress;
import io.causalkv.wire.Wire;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@link PeerClient} over HTTP/1.1 to the peers' {@code /internal/*} endpoints, on the JDK
 * HttpClient, which keeps a pool of keep-alive connections per peer. Each call has a timeout
 * covering the whole exchange, the answer's body included. With a {@link ClusterToken}, every peer call and every relay
 * between nodes carries it.
 *
 * <p>Peer calls use the JDK client directly, not a Jersey client on top of it: heartbeats and
 * replication batches are most of a cluster's requests, and a ping cost about a third more CPU
 * (client and server together) through the Jersey client (docs/PERFORMANCE.md).
 */
public final class HttpPeerClient implements PeerClient {

    /** Connecting to a live peer on a LAN takes well under this; a dead one fails at once. */
    static final Duration CONNECT_TIMEOUT = Duration.ofMillis(1_000);

    /** How much longer than a call's timeout its whole answer may take before the call is abandoned. */
    private static final long WHOLE_ANSWER_GRACE_MILLIS = 50;

    private static final System.Logger LOG = System.getLogger(HttpPeerClient.class.getName());

    private final Optional<ClusterToken> token;
    /** Peers that refused this node's token, so the warning is logged once per peer, not per heartbeat. */
    private final Set<NodeAddress> refusedBy = ConcurrentHashMap.newKeySet();
    /** The client's worker threads, ours so that they stop with the node (a container may redeploy the webapp). */
    private final java.util.concurrent.ExecutorService workers = java.util.concurrent.Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "peer-client");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1) // plain HTTP/1.1: no h2c upgrade attempt per connection
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(workers)
            .build();

    public HttpPeerClient(Optional<ClusterToken> token) {
        this.token = token;
    }

    /** Relays a client request as it came, bodies on GET and DELETE included. */
    @Override
    public PeerResponse relay(NodeAddress to, PeerRequest request) throws PeerUnreachableException {
        // The token goes only on a relay between members: a forwarding node's main instance (hops 0) need not be one.
        return send(to, request, request.hops() > 0);
    }

    /** One exchange with {@code to}; {@code withToken}: it is a member, and gets the cluster token (if any). */
    private PeerResponse send(NodeAddress to, PeerRequest request, boolean withToken) throws PeerUnreachableException {
        try {
            Duration timeout = request.timeout().isZero() ? Duration.ofMillis(1) : request.timeout();
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://" + to + request.rawPath()))
                    .timeout(timeout)
                    .method(request.method(), request.body().length == 0
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(request.body()));
            if (request.body().length > 0) {
                builder.header("Content-Type", "application/json");
            }
            if (request.hops() > 0) {
                builder.header(PeerRequest.HOPS_HEADER, Integer.toString(request.hops()));
                builder.header(PeerRequest.BUDGET_HEADER, Long.toString(request.timeout().toMillis()));
            }
            if (withToken) {
                token.ifPresent(t -> builder.header(ClusterToken.HEADER, t.headerValue()));
            }
            // When this node stops waiting: a request that reaches the peer later (held in a
            // kernel while a link was down, or read by a process that was paused) is refused there.
            builder.header(PeerRequest.DEADLINE_HEADER, Long.toString(System.currentTimeMillis() + timeout.toMillis()));
            HttpResponse<byte[]> response = exchange(builder.build(), timeout);
            if (response.statusCode() == 503 && response.headers().firstValue(PeerRequest.EXPIRED_HEADER).isPresent()) {
                // Read after this node stopped waiting: the answer came just as the time ran out.
                throw PeerUnreachableException.notTaken(to, new IOException("refused as expired"));
            }
            return new PeerResponse(response.statusCode(), response.body());
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw neverConnected(io) ? PeerUnreachableException.notSent(to, io) : new PeerUnreachableException(to, io);
            }
            if (cause instanceof IllegalArgumentException bad) {
                throw PeerUnreachableException.notSent(to, bad);
            }
            throw new PeerUnreachableException(to, new IOException(cause));
        } catch (TimeoutException e) {
            throw new PeerUnreachableException(to, new IOException("no whole answer within " + request.timeout().toMillis() + " ms", e));
        } catch (IllegalArgumentException e) {
            throw PeerUnreachableException.notSent(to, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PeerUnreachableException(to, e);
        }
    }

    /**
     * Sends and reads the whole answer within {@code timeout} (plus a little, so that the client's
     * own timeout, which says more, fires first when it applies). The JDK client's request timeout
     * ends at the response headers (JDK-8208693, fixed only after 25): a peer that stalls mid-body
     * would hold the caller, a replication sender or a probe, for as long as the connection lives.
     * Cancelling the exchange closes its connection.
     */
    private HttpResponse<byte[]> exchange(HttpRequest request, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        CompletableFuture<HttpResponse<byte[]>> answer = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        try {
            return answer.get(timeout.toMillis() + WHOLE_ANSWER_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } finally {
            answer.cancel(true); // a no-op once complete
        }
    }

    /** A failure to connect (refused, no route, connect timeout): nothing was written to the peer. */
    private static boolean neverConnected(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.http.HttpConnectTimeoutException
                    || t instanceof java.net.NoRouteToHostException || t instanceof java.net.UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    /** The request as JSON to the operation's path, the answer decoded; anything but a readable 200 is a failure. */
    @Override
    public <Q, A> A call(NodeAddress to, PeerOperation<Q, A> operation, Q request, Duration timeout)
            throws PeerUnreachableException {
        byte[] bytes;
        try {
            bytes = Wire.MAPPER.writeValueAsBytes(operation.encodeRequest(request));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        PeerResponse response = send(to, new PeerRequest("POST", operation.path(), bytes, timeout), true);
        if ((response.status() == 401 || response.status() == 403) && refusedBy.add(to)) {
            LOG.log(Level.WARNING, "peer {0} refused this node''s peer call ({1}): do both nodes have the same CLUSTER_TOKEN?",
                    to, response.status());
        }
        if (response.status() != 200) {
            throw new PeerUnreachableException(to, new IOException("HTTP " + response.status() + " from " + operation.path()));
        }
        try {
            return operation.decodeAnswer(Wire.MAPPER.readTree(response.body()));
        } catch (IOException | RuntimeException e) {
            throw new PeerUnreachableException(to, e);
        }
    }

    /**
     * Stops the client's threads: Tomcat warned of them on every undeploy. Java 21's client has
     * shutdownNow (its selector thread too); on 17 the selector thread ends once the client is
     * collected.
     */
    @Override
    public void close() {
        try {
            HttpClient.class.getMethod("shutdownNow").invoke(http);
        } catch (ReflectiveOperationException e) {
            // Java 17: no shutdown for the client itself
        }
        workers.shutdownNow();
    }
}
