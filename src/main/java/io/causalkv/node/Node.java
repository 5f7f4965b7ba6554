package io.causalkv.node;

import io.causalkv.causal.CausalContext;
import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.replication.ShardReplica;
import io.causalkv.replication.StateDelta;
import io.causalkv.replication.Write;
import io.causalkv.store.Entry;
import io.causalkv.store.WriteOutcome;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerHandler;
import io.causalkv.transport.PeerRequest;
import io.causalkv.transport.PeerResponse;
import io.causalkv.transport.PeerTransport;
import io.causalkv.transport.PeerUnreachableException;
import io.causalkv.transport.Ping;
import io.causalkv.transport.PingReply;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The composition root of one node and the one place every dialect calls: it validates key
 * requests in the order of API.md 4.3, checks causal dependencies, serves reads and writes from
 * this node's replica, and owns the node's background work (through {@link ClusterRuntime}).
 */
public final class Node implements PeerHandler, AutoCloseable {

    /** Longest key, counted in Unicode code points (API.md 4.3). */
    public static final int MAX_KEY_CODE_POINTS = 50;

    /**
     * How long a relay to the main instance may take. Kept under API.md's 5 s so that the 503
     * reaches the client within 5 s of its request, not just after it.
     */
    static final Duration FORWARD_TIMEOUT = Duration.ofMillis(4_500);

    /** The longest a write waits for a peer to hold it (API.md 6.4, KVS_WRITE_ACKS=2). */
    static final Duration WRITE_ACK_WAIT = Duration.ofMillis(200);

    private final NodeConfig config;
    private final PeerClient peers;
    private final ShardReplica replica;
    private final ClusterRuntime cluster;
    private volatile boolean ready;

    public Node(NodeConfig config, PeerTransport transport) {
        this.config = config;
        NodeAddress self = config.mode() == NodeMode.CLUSTER ? config.address().orElseThrow() : null;
        this.peers = transport.connect(self, this);
        // The incarnation makes a restarted node a new replica: it never reuses its old sequence numbers.
        String replicaId = self == null ? "local" : self + "@" + Long.toString(System.currentTimeMillis(), 36);
        this.replica = new ShardReplica(replicaId, 1, 1);
        this.cluster = self == null ? null : new ClusterRuntime(self, config, peers, replica);
    }

    /** Joins the cluster (announce, fetch state) within a bounded time, then starts background work. */
    public void start() {
        if (cluster != null) {
            cluster.start();
        }
        ready = true;
    }

    public NodeConfig config() {
        return config;
    }

    public NodeMode mode() {
        return config.mode();
    }

    public boolean isReady() {
        return ready;
    }

    /** Stores a value; {@code valueJson} is compact JSON text, empty when the request has none. */
    public KeyResult put(String key, Optional<String> valueJson, MetadataSource metadata) {
        if (isTooLong(key)) {
            throw new KeyRequestRejected(KeyRequestRejected.Reason.KEY_TOO_LONG, CausalContext.EMPTY);
        }
        if (valueJson.isEmpty()) {
            throw new KeyRequestRejected(KeyRequestRejected.Reason.VALUE_MISSING, CausalContext.EMPTY);
        }
        CausalContext context = satisfiedContext(metadata);
        ShardReplica.LocalWrite done = replica.put(key, valueJson.get(), context, this::replicate);
        awaitDurability(done.write());
        return new KeyResult(done.outcome() == WriteOutcome.CREATED ? KeyResult.Outcome.CREATED : KeyResult.Outcome.REPLACED,
                null, context.merge(replica.historyOf(done.write().toEntry())));
    }

    public KeyResult get(String key, MetadataSource metadata) {
        CausalContext context = satisfiedContext(metadata);
        Entry entry = isTooLong(key) ? null : replica.read(key);
        if (entry == null) {
            return new KeyResult(KeyResult.Outcome.NOT_FOUND, null, context);
        }
        CausalContext seen = context.merge(replica.historyOf(entry));
        return entry.isLive()
                ? new KeyResult(KeyResult.Outcome.FOUND, entry.value(), seen)
                : new KeyResult(KeyResult.Outcome.NOT_FOUND, null, seen);
    }

    public KeyResult delete(String key, MetadataSource metadata) {
        CausalContext context = satisfiedContext(metadata);
        if (isTooLong(key)) {
            return new KeyResult(KeyResult.Outcome.NOT_FOUND, null, context);
        }
        Optional<Write> tombstone = replica.delete(key, context, this::replicate);
        if (tombstone.isEmpty()) {
            Entry entry = replica.read(key);
            return new KeyResult(KeyResult.Outcome.NOT_FOUND, null,
                    entry == null ? context : context.merge(replica.historyOf(entry)));
        }
        awaitDurability(tombstone.get());
        return new KeyResult(KeyResult.Outcome.DELETED, null, context.merge(replica.historyOf(tombstone.get().toEntry())));
    }

    /**
     * Relays a key request unchanged to the main instance (forwarding mode, API.md 6.2).
     *
     * @throws PeerUnreachableException when the main instance does not answer in time
     */
    public PeerResponse forward(String method, String rawPath, byte[] body) throws PeerUnreachableException {
        NodeAddress main = config.forwardingAddress()
                .orElseThrow(() -> new IllegalStateException("not in forwarding mode"));
        return peers.relay(main, new PeerRequest(method, rawPath, body, FORWARD_TIMEOUT));
    }

    /** True when this node is part of a cluster (it has an address and does not forward). */
    public boolean inCluster() {
        return cluster != null;
    }

    public List<NodeAddress> view() {
        return requireCluster().membership().map().members();
    }

    public ViewChange addToView(NodeAddress node) {
        return requireCluster().add(node);
    }

    public ViewChange removeFromView(NodeAddress node) {
        return requireCluster().remove(node);
    }

    public int liveKeyCount() {
        return replica.liveKeyCount();
    }

    /** This node's replica, for operations endpoints and tests. */
    public ShardReplica replica() {
        return replica;
    }

    /** The cluster side of the node, empty in standalone and forwarding modes. */
    public Optional<ClusterRuntime> cluster() {
        return Optional.ofNullable(cluster);
    }

    // ---- PeerHandler: the receiving side of the peer protocol --------------------------------

    @Override
    public PingReply onPing(Ping ping) {
        ClusterRuntime c = requireCluster();
        c.membership().learn(ping.from());
        c.membership().health(ping.from()).heardFrom(c.membership().now());
        c.membership().adopt(ping.map());
        return new PingReply(c.membership().map(), replica.applied());
    }

    @Override
    public boolean onReplicate(NodeAddress from, List<Write> writes) {
        requireCluster();
        return replica.receive(writes);
    }

    @Override
    public StateDelta onSync(NodeAddress from, VectorClock since) {
        requireCluster();
        return replica.changesSince(since);
    }

    @Override
    public ClusterMap onJoin(NodeAddress joiner) {
        ClusterRuntime c = requireCluster();
        c.add(joiner);
        return c.membership().map();
    }

    // ---- internals ---------------------------------------------------------------------------

    /** Decodes the metadata (cluster modes only) and checks its dependencies on this shard. */
    private CausalContext satisfiedContext(MetadataSource metadata) {
        if (cluster == null) {
            return CausalContext.EMPTY; // standalone: metadata is accepted and ignored (API.md 6.1)
        }
        CausalContext context;
        try {
            context = metadata.decode();
        } catch (IllegalArgumentException e) {
            throw new KeyRequestRejected(KeyRequestRejected.Reason.INVALID_METADATA, CausalContext.EMPTY);
        }
        if (!replica.satisfies(context)) {
            throw new KeyRequestRejected(KeyRequestRejected.Reason.DEPENDENCIES_UNMET, context);
        }
        return context;
    }

    private void replicate(Write write) {
        if (cluster != null) {
            cluster.replicator().replicate(write);
        }
    }

    private void awaitDurability(Write write) {
        if (cluster != null && config.writeAcks() == 2) {
            cluster.replicator().awaitAcknowledgement(write.dot().seq(), WRITE_ACK_WAIT);
        }
    }

    private ClusterRuntime requireCluster() {
        if (cluster == null) {
            throw new NotInClusterException();
        }
        return cluster;
    }

    static boolean isTooLong(String key) {
        return key.codePointCount(0, key.length()) > MAX_KEY_CODE_POINTS;
    }

    @Override
    public void close() {
        if (cluster != null) {
            cluster.close();
        }
        peers.close();
    }

    /** A cluster operation on a node that is not part of a cluster (API.md 6.2). */
    public static final class NotInClusterException extends RuntimeException {
        public NotInClusterException() {
            super("Node is not part of a cluster", null, false, false);
        }
    }
}
