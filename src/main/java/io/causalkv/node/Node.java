package io.causalkv.node;

import io.causalkv.cluster.NodeAddress;
import io.causalkv.store.LocalStore;
import io.causalkv.store.WriteOutcome;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerRequest;
import io.causalkv.transport.PeerResponse;
import io.causalkv.transport.PeerUnreachableException;
import java.time.Duration;
import java.util.Optional;

/**
 * The composition root of one node and the one place every dialect calls: it validates key
 * requests, serves them from the local store or relays them, and owns the node's resources.
 */
public final class Node implements AutoCloseable {

    /** Longest key, counted in Unicode code points (API.md 4.3). */
    public static final int MAX_KEY_CODE_POINTS = 50;

    /**
     * How long a relay to the main instance may take. Kept under API.md's 5 s so that the 503
     * reaches the client within 5 s of its request, not just after it.
     */
    static final Duration FORWARD_TIMEOUT = Duration.ofMillis(4_500);

    private final NodeConfig config;
    private final PeerClient peers;
    private final LocalStore store = new LocalStore();

    public Node(NodeConfig config, PeerClient peers) {
        this.config = config;
        this.peers = peers;
    }

    public NodeConfig config() {
        return config;
    }

    public NodeMode mode() {
        return config.mode();
    }

    /** Stores a value; {@code valueJson} is compact JSON text, empty when the request has none. */
    public WriteOutcome put(String key, Optional<String> valueJson) {
        if (isTooLong(key)) {
            throw new KeyRequestRejected(KeyRequestRejected.Reason.KEY_TOO_LONG);
        }
        String value = valueJson.orElseThrow(() -> new KeyRequestRejected(KeyRequestRejected.Reason.VALUE_MISSING));
        return store.put(key, value);
    }

    public Optional<String> get(String key) {
        return isTooLong(key) ? Optional.empty() : store.get(key);
    }

    /** Deletes a key; false when it had no value. */
    public boolean delete(String key) {
        return !isTooLong(key) && store.delete(key);
    }

    /**
     * Relays a key request unchanged to the main instance (forwarding mode, API.md 6.2).
     *
     * @throws PeerUnreachableException when the main instance does not answer in time
     */
    public PeerResponse forward(String method, String rawPath, byte[] body) throws PeerUnreachableException {
        NodeAddress main = config.forwardingAddress()
                .orElseThrow(() -> new IllegalStateException("not in forwarding mode"));
        return peers.call(main, new PeerRequest(method, rawPath, body, FORWARD_TIMEOUT));
    }

    public int liveKeyCount() {
        return store.liveKeyCount();
    }

    static boolean isTooLong(String key) {
        return key.codePointCount(0, key.length()) > MAX_KEY_CODE_POINTS;
    }

    @Override
    public void close() {
        peers.close();
    }
}
