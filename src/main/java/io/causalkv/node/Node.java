package io.causalkv.node;

import io.causalkv.causal.CausalContext;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.replication.LocalShard;
import io.causalkv.replication.Replicator;
import io.causalkv.replication.ShardReplica;
import io.causalkv.replication.Write;
import io.causalkv.store.Entry;
import io.causalkv.store.WriteOutcome;
import io.causalkv.transport.CountingPeerClient;
import io.causalkv.transport.PeerHandler;
import io.causalkv.transport.PeerRequest;
import io.causalkv.transport.PeerResponse;
import io.causalkv.transport.PeerTransport;
import io.causalkv.transport.PeerUnreachableException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The composition root of one node and the one place every dialect calls: it validates key
 * requests in the order of API.md 4.3, routes each key to its shard (serving it here, or
 * relaying it to a member of the owning shard), checks causal dependencies, and owns the
 * node's background work (through {@link ClusterRuntime}).
 */
public final class Node implements AutoCloseable {

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
    private final CountingPeerClient peers;
    private final PeerReceiver receiver;
    /** The store of a standalone node; null in a cluster, where the shard host holds the replica. */
    private final ShardReplica standalone;
    private final ClusterRuntime cluster;
    private final KeyRouter router;
    /** The view and shard operations; null in standalone and forwarding modes. */
    private final ShardOperations shardOperations;
    private volatile boolean ready;

    public Node(NodeConfig config, PeerTransport transport) {
        this.config = config;
        NodeAddress self = config.mode() == NodeMode.CLUSTER ? config.address().orElseThrow() : null;
        this.receiver = new PeerReceiver(this::requireCluster);
        this.peers = new CountingPeerClient(transport.connect(self, receiver, config.clusterToken()));
        // The incarnation makes a restarted node a new replica: it never reuses its old sequence numbers.
        String incarnation = Long.toString(System.currentTimeMillis(), 36);
        this.standalone = self == null ? new ShardReplica("local", 1, 1) : null;
        this.cluster = self == null ? null : new ClusterRuntime(self, config, peers, incarnation);
        this.router = new KeyRouter(peers, standalone, cluster);
        this.shardOperations = cluster == null ? null
                : new ShardOperations(cluster, peers, new Resharder(cluster), router);
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

    // ---- key operations ----------------------------------------------------------------------

    /**
     * Stores a value; {@code valueJson} is compact JSON text, empty when the request has none.
     * {@code request} is the client's request as received, relayed unchanged if another shard
     * owns the key. Unmet dependencies are refused at once ({@code kvs}).
     */
    public KeyResult put(String key, Optional<String> valueJson, MetadataSource metadata, PeerRequest request) {
        return put(key, valueJson, metadata, request, DependencyPolicy.REFUSE);
    }

    /** Like {@link #put(String, Optional, MetadataSource, PeerRequest)}, with the dialect's rule for unmet dependencies. */
    public KeyResult put(String key, Optional<String> valueJson, MetadataSource metadata, PeerRequest request,
                         DependencyPolicy policy) {
        if (isTooLong(key)) {
            throw new KeyRequestRejected(KeyRequestRejected.Reason.KEY_TOO_LONG, echo(metadata));
        }
        if (valueJson.isEmpty()) {
            throw new KeyRequestRejected(KeyRequestRejected.Reason.VALUE_MISSING, echo(metadata));
        }
        CausalContext context = decode(metadata);
        return withContext(context, () -> router.onOwner(key, request, policy, owner -> {
            // kvs-keys writes never wait (API.md 8.6): accepted at once, recorded with their dependencies.
            if (policy.kind() != DependencyPolicy.Kind.ACCEPT_WRITES && !owner.dependenciesMet(context, policy)) {
                throw new KeyRequestRejected(KeyRequestRejected.Reason.DEPENDENCIES_UNMET, context);
            }
            ShardReplica replica = owner.replica();
            ShardReplica.LocalWrite done = replica.put(key, valueJson.get(), context, replicateWith(owner.replicator()));
            awaitDurability(owner.replicator(), done.write(), policy);
            return new KeyResult(done.outcome() == WriteOutcome.CREATED ? KeyResult.Outcome.CREATED : KeyResult.Outcome.REPLACED,
                    null, context.merge(replica.historyOf(done.write())), replica.shard());
        }));
    }

    public KeyResult get(String key, MetadataSource metadata, PeerRequest request) {
        return get(key, metadata, request, DependencyPolicy.REFUSE);
    }

    public KeyResult get(String key, MetadataSource metadata, PeerRequest request, DependencyPolicy policy) {
        CausalContext context = decode(metadata);
        // A key too long to store is simply absent (API.md 4.3), after the dependency check.
        return withContext(context, () -> router.onOwner(key, request, policy, owner -> {
            if (!owner.dependenciesMet(context, policy)) {
                throw unmet(policy, context);
            }
            ShardReplica replica = owner.replica();
            Entry entry = replica.read(key);
            if (entry == null || !entry.isLive()) {
                return notFound(replica, context, entry);
            }
            return new KeyResult(KeyResult.Outcome.FOUND, entry.value(), context.merge(replica.historyOf(entry)), replica.shard());
        }));
    }

    public KeyResult delete(String key, MetadataSource metadata, PeerRequest request) {
        return delete(key, metadata, request, DependencyPolicy.REFUSE);
    }

    public KeyResult delete(String key, MetadataSource metadata, PeerRequest request, DependencyPolicy policy) {
        CausalContext context = decode(metadata);
        return withContext(context, () -> router.onOwner(key, request, policy, owner -> {
            ShardReplica replica = owner.replica();
            Entry current = replica.read(key);
            // kvs-keys accepts the delete of a live key at once; absence it must first vouch for.
            boolean acceptAtOnce = policy.kind() == DependencyPolicy.Kind.ACCEPT_WRITES && current != null && current.isLive();
            if (!acceptAtOnce && !owner.dependenciesMet(context, policy)) {
                throw unmet(policy, context);
            }
            Optional<Write> tombstone = replica.delete(key, context, replicateWith(owner.replicator()));
            if (tombstone.isEmpty()) {
                return notFound(replica, context, replica.read(key));
            }
            awaitDurability(owner.replicator(), tombstone.get(), policy);
            return new KeyResult(KeyResult.Outcome.DELETED, null, context.merge(replica.historyOf(tombstone.get())),
                    replica.shard());
        }));
    }

    /** Runs a routed operation; a 503 from routing echoes the request's context (API.md 8.2). */
    private static KeyResult withContext(CausalContext context, java.util.function.Supplier<KeyResult> routed) {
        try {
            return routed.get();
        } catch (KeyRequestRejected rejected) {
            if (rejected.context().isEmpty() && !context.isEmpty()) {
                throw new KeyRequestRejected(rejected.reason(), context);
            }
            throw rejected;
        }
    }

    private static KeyRequestRejected unmet(DependencyPolicy policy, CausalContext context) {
        return new KeyRequestRejected(policy.kind() == DependencyPolicy.Kind.ACCEPT_WRITES
                ? KeyRequestRejected.Reason.UNSATISFIABLE : KeyRequestRejected.Reason.DEPENDENCIES_UNMET, context);
    }

    private KeyResult notFound(ShardReplica replica, CausalContext context, Entry tombstone) {
        if (tombstone == null) {
            return new KeyResult(KeyResult.Outcome.NOT_FOUND, null, context, replica.shard());
        }
        return new KeyResult(KeyResult.Outcome.NOT_FOUND, null, context.merge(replica.historyOf(tombstone)), replica.shard());
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

    // ---- view and shards -----------------------------------------------------------------------

    /** {@code kvs-keys} replicated mode: the cluster was given a replication factor (API.md 8.1). */
    public boolean keysReplicated() {
        return cluster != null && clusterMap().layout().replFactor() > 0;
    }

    /** True when this node is part of a cluster (it has an address and does not forward). */
    public boolean inCluster() {
        return cluster != null;
    }

    public List<NodeAddress> view() {
        return shards().view();
    }

    public ViewChange addToView(NodeAddress node) {
        return shards().addToView(node);
    }

    public ViewChange removeFromView(NodeAddress node) {
        return shards().removeFromView(node);
    }

    /** The current cluster map: layout, members and shards. */
    public ClusterMap clusterMap() {
        return shards().clusterMap();
    }

    public List<Integer> shardIds() {
        return shards().shardIds();
    }

    /** This node's shard id, empty when it is unassigned. */
    public Optional<Integer> nodeShardId() {
        return shards().nodeShardId();
    }

    public List<NodeAddress> shardMembers(int shard) {
        return shards().shardMembers(shard);
    }

    /** Live keys of a shard: counted here by a member, else asked of a member (API.md 6.7). */
    public int shardKeyCount(int shard) {
        return shards().shardKeyCount(shard);
    }

    /** Puts a node of the view into a shard (API.md 6.7); it then fetches the shard's state. */
    public void addShardMember(int shard, NodeAddress node) {
        shards().addShardMember(shard, node);
    }

    /** Reshards into {@code shardCount} shards (API.md 6.7, 9.4); answers once the new layout is committed. */
    public void reshard(int shardCount) {
        shards().reshard(shardCount);
    }

    /** A {@code kvs-keys} view change (API.md 8.5); see {@link ShardOperations#changeView}. */
    public ShardOperations.ViewChangeResult changeView(List<NodeAddress> view, Optional<Integer> replFactor,
                                                       PeerRequest request) {
        return shards().changeView(view, replFactor, request);
    }

    /** Every node of the view with its shard, state and key count, for the admin page. */
    public List<NodeStatus> nodeStatuses() {
        return shards().nodeStatuses();
    }

    private ShardOperations shards() {
        if (shardOperations == null) {
            throw new NotInClusterException();
        }
        return shardOperations;
    }

    /** The live keys this node's replica holds (its shard's keys; 0 when unassigned). */
    public int liveKeyCount() {
        if (cluster == null) {
            return standalone.liveKeyCount();
        }
        LocalShard here = cluster.host().current();
        return here == null ? 0 : here.replica().liveKeyCount();
    }

    /** What the node's metrics report (see {@link NodeGauges}). */
    /** What this node has sent its peers so far, by kind of call (for /metrics). */
    public CountingPeerClient peerTraffic() {
        return peers;
    }

    public NodeGauges gauges() {
        LocalShard here = cluster == null ? null : cluster.host().current();
        ShardReplica replica = cluster == null ? standalone : here == null ? null : here.replica();
        java.util.EnumMap<NodeStatus.State, Integer> peers = new java.util.EnumMap<>(NodeStatus.State.class);
        if (cluster != null) {
            for (NodeStatus status : nodeStatuses()) {
                if (!status.address().equals(cluster.self()) && cluster.membership().map().isMember(status.address())) {
                    peers.merge(status.state(), 1, Integer::sum);
                }
            }
        }
        return new NodeGauges(
                replica == null ? 0 : replica.liveKeyCount(),
                replica == null ? 0 : replica.tombstoneCount(),
                replica == null ? 0 : replica.buffered(),
                here == null ? 0 : here.replicator().queued(),
                here == null ? 0 : here.replicator().lagNanos() / 1e9,
                peers);
    }

    /** The cluster side of the node, empty in standalone and forwarding modes. */
    /** The receiving side of the peer protocol, for the transport that serves it. */
    public PeerHandler peerReceiver() {
        return receiver;
    }

    public Optional<ClusterRuntime> cluster() {
        return Optional.ofNullable(cluster);
    }

    // ---- internals ---------------------------------------------------------------------------

    /** The request's metadata to echo in a validation error (API.md 8.2), or none if it does not decode. */
    private CausalContext echo(MetadataSource metadata) {
        try {
            return decode(metadata);
        } catch (KeyRequestRejected invalid) {
            return CausalContext.EMPTY;
        }
    }

    /**
     * Decodes the metadata. A dialect that ignores metadata where it has none (kvs standalone,
     * API.md 6.1; kvs-keys unreplicated, 8.1) passes {@link MetadataSource#NONE}.
     */
    private CausalContext decode(MetadataSource metadata) {
        try {
            return metadata.decode();
        } catch (IllegalArgumentException e) {
            throw new KeyRequestRejected(KeyRequestRejected.Reason.INVALID_METADATA, CausalContext.EMPTY);
        }
    }

    private static java.util.function.Consumer<Write> replicateWith(Replicator replicator) {
        return replicator == null ? write -> { } : replicator::replicate;
    }

    /**
     * {@code KVS_WRITE_ACKS=2} is the {@code kvs} dialect's rule (API.md 6.4); the others reply
     * without waiting for replication (7.2, 8.6).
     */
    private void awaitDurability(Replicator replicator, Write write, DependencyPolicy policy) {
        if (replicator != null && config.writeAcks() == 2 && policy.kind() == DependencyPolicy.Kind.REFUSE) {
            replicator.awaitAcknowledgement(write.dot().seq(), WRITE_ACK_WAIT);
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
