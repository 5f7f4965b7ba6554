package io.causalkv.transport;

import io.causalkv.cluster.NodeAddress;
import io.causalkv.wire.Wire;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link PeerClient} over HTTP/1.1 to the peers' {@code /internal/*} endpoints, on keep-alive
 * connections of its own ({@link PeerConnectionPool}): each call is written and its whole answer
 * read on the calling thread, within the call's timeout. With a {@link ClusterToken}, every peer
 * call and every relay between nodes carries it.
 *
 * <p>Not the JDK HttpClient (used here until issue 19): every exchange went through its selector
 * thread and executor, and a 3-node write spent more CPU in that client than in the peers'
 * handling of the call (docs/PERFORMANCE.md). Not a Jersey client either: a ping cost a third
 * more CPU through it.
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
    private final PeerConnectionPool connections = new PeerConnectionPool();

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
        long timeoutMillis = Math.max(1, request.timeout().toMillis());
        String[] headers = new String[12];
        int n = 0;
        if (request.body().length > 0) {
            headers[n++] = "Content-Type";
            headers[n++] = "application/json";
        }
        if (request.hops() > 0) {
            headers[n++] = PeerRequest.HOPS_HEADER;
            headers[n++] = Integer.toString(request.hops());
            headers[n++] = PeerRequest.BUDGET_HEADER;
            headers[n++] = Long.toString(request.timeout().toMillis());
        }
        if (withToken && token.isPresent()) {
            headers[n++] = ClusterToken.HEADER;
            headers[n++] = token.get().headerValue();
        }
        // When this node stops waiting: a request that reaches the peer later (held in a
        // kernel while a link was down, or read by a process that was paused) is refused there.
        headers[n++] = PeerRequest.DEADLINE_HEADER;
        headers[n++] = Long.toString(System.currentTimeMillis() + timeoutMillis);
        byte[] head = PeerConnection.head(request.method(), request.rawPath(), to.toString(), request.body().length,
                java.util.Arrays.copyOf(headers, n));
        PeerConnection.Answer answer;
        try {
            // The whole answer within the timeout, plus a little: the peer's own expiry (which says more) comes first.
            answer = connections.call(to, head, request.body(), timeoutMillis + WHOLE_ANSWER_GRACE_MILLIS,
                    (int) CONNECT_TIMEOUT.toMillis());
        } catch (PeerConnection.NotConnected e) {
            throw PeerUnreachableException.notSent(to, e);
        } catch (IOException e) {
            throw new PeerUnreachableException(to, e);
        }
        if (answer.status() == 503 && answer.expiredHeader()) {
            // Read after this node stopped waiting: the answer came just as the time ran out.
            throw PeerUnreachableException.notTaken(to, new IOException("refused as expired"));
        }
        return new PeerResponse(answer.status(), answer.body());
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

    /** Closes every connection (ending calls in progress) and stops the client's timer thread. */
    @Override
    public void close() {
        connections.close();
    }
}
