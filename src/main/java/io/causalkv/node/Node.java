package io.causalkv.node;

import io.causalkv.causal.CausalContext;
import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.Layout;
import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.PeerHealth;
import io.causalkv.cluster.ShardRef;
import io.causalkv.replication.LocalShard;
import io.causalkv.replication.ReplicaFrozenException;
import io.causalkv.replication.Replicator;
import io.causalkv.replication.ShardReplica;
import io.causalkv.replication.ShardStatus;
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
import io.causalkv.transport.ReshardStep;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The composition root of one node and the one place every dialect calls: it validates key
 * requests in the order of API.md 4.3, routes each key to its shard (serving it here, or
 * relaying it to a member of the owning shard), checks causal dependencies, and owns the
 * node's background work (through {@link ClusterRuntime}).
 */
public final class Node implements PeerHandler, AutoCloseable {

    /** Longest key, counted in Unicode code points (API.md 4.3). */
    public static final int MAX_KEY_CODE_POINTS = 50;

    /**
     * How long a relay to the main instance may take. Kept under API.md's 5 s so that the 503
     * reaches the client within 5 s of its request, not just after it.
     */
    static final Duration FORWARD_TIMEOUT = Duration.ofMillis(4_500);

    /** Everything a request for another shard may take: trying its members in turn (API.md 6.5). */
    static final Duration PROXY_BUDGET = Duration.ofMillis(4_500);

    /**
     * A request is relayed at most this many times: once normally, once more when the receiving
     * member has already moved to a newer layout. Bounds loops while nodes disagree on the layout.
     */
    static final int MAX_HOPS = 2;

    /** The longest a write waits for a peer to hold it (API.md 6.4, KVS_WRITE_ACKS=2). */
    static final Duration WRITE_ACK_WAIT = Duration.ofMillis(200);

    private final NodeConfig config;
    private final PeerClient peers;
    /** The store of a standalone node; null in a cluster, where the shard host holds the replica. */
    private final ShardReplica standalone;
    private final ClusterRuntime cluster;
    private final Resharder resharder;
    private volatile boolean ready;

    public Node(NodeConfig config, PeerTransport transport) {
        this.config = config;
        NodeAddress self = config.mode() == NodeMode.CLUSTER ? config.address().orElseThrow() : null;
        this.peers = transport.connect(self, this);
        // The incarnation makes a restarted node a new replica: it never reuses its old sequence numbers.
        String incarnation = Long.toString(System.currentTimeMillis(), 36);
        this.standalone = self == null ? new ShardReplica("local", 1, 1) : null;
        this.cluster = self == null ? null : new ClusterRuntime(self, config, peers, incarnation);
        this.resharder = cluster == null ? null : new Resharder(cluster);
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
        return onOwner(key, request, policy, owner -> {
            if (!owner.dependenciesMet(context, policy) && policy.kind() != DependencyPolicy.Kind.ACCEPT_WRITES) {
                throw new KeyRequestRejected(KeyRequestRejected.Reason.DEPENDENCIES_UNMET, context);
            }
            ShardReplica replica = owner.replica();
            ShardReplica.LocalWrite done = replica.put(key, valueJson.get(), context, replicateWith(owner.replicator()));
            awaitDurability(owner.replicator(), done.write());
            return new KeyResult(done.outcome() == WriteOutcome.CREATED ? KeyResult.Outcome.CREATED : KeyResult.Outcome.REPLACED,
                    null, context.merge(replica.historyOf(done.write().toEntry())), replica.shard());
        });
    }

    public KeyResult get(String key, MetadataSource metadata, PeerRequest request) {
        return get(key, metadata, request, DependencyPolicy.REFUSE);
    }

    public KeyResult get(String key, MetadataSource metadata, PeerRequest request, DependencyPolicy policy) {
        CausalContext context = decode(metadata);
        // A key too long to store is simply absent (API.md 4.3), after the dependency check.
        return onOwner(key, request, policy, owner -> {
            if (!owner.dependenciesMet(context, policy)) {
                throw unmet(policy, context);
            }
            ShardReplica replica = owner.replica();
            Entry entry = replica.read(key);
            if (entry == null || !entry.isLive()) {
                return notFound(replica, context, entry);
            }
            return new KeyResult(KeyResult.Outcome.FOUND, entry.value(), context.merge(replica.historyOf(entry)), replica.shard());
        });
    }

    public KeyResult delete(String key, MetadataSource metadata, PeerRequest request) {
        return delete(key, metadata, request, DependencyPolicy.REFUSE);
    }

    public KeyResult delete(String key, MetadataSource metadata, PeerRequest request, DependencyPolicy policy) {
        CausalContext context = decode(metadata);
        return onOwner(key, request, policy, owner -> {
            ShardReplica replica = owner.replica();
            if (!owner.dependenciesMet(context, policy)) {
                Entry current = replica.read(key);
                // kvs-keys accepts the delete of a live key at once; absence it cannot vouch for.
                if (policy.kind() != DependencyPolicy.Kind.ACCEPT_WRITES || current == null || !current.isLive()) {
                    throw unmet(policy, context);
                }
            }
            Optional<Write> tombstone = replica.delete(key, context, replicateWith(owner.replicator()));
            if (tombstone.isEmpty()) {
                return notFound(replica, context, replica.read(key));
            }
            awaitDurability(owner.replicator(), tombstone.get());
            return new KeyResult(KeyResult.Outcome.DELETED, null, context.merge(replica.historyOf(tombstone.get().toEntry())),
                    replica.shard());
        });
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

    /** An operation on the replica that owns the key. */
    @FunctionalInterface
    private interface LocalOperation {
        KeyResult apply(Owner owner);
    }

    /**
     * The replica serving a request here: its replicator (null on a standalone node), its shard
     * membership (null on a standalone node), and when waiting for dependencies must end.
     */
    private record Owner(ShardReplica replica, Replicator replicator, LocalShard shard, long dependencyDeadline,
                         Membership membership) {

        /** Applies the dialect's rule (API.md 4.4): at once, waiting, or fetching from the shard's peers. */
        boolean dependenciesMet(CausalContext context, DependencyPolicy policy) {
            if (membership == null || replica.satisfies(context)) {
                return true; // a standalone node is the only replica: nothing can be missing
            }
            return switch (policy.kind()) {
                case REFUSE -> false;
                case WAIT -> replica.awaitSatisfied(context, dependencyDeadline);
                case ACCEPT_WRITES -> fetched(context);
            };
        }

        /** Pulls from the shard's reachable peers until the replica satisfies {@code context}, within the deadline. */
        private boolean fetched(CausalContext context) {
            if (shard == null) {
                return false;
            }
            for (NodeAddress peer : shard.peers()) {
                if (System.nanoTime() > dependencyDeadline) {
                    break;
                }
                if (membership.health(peer).isReachable() && shard.antiEntropy().pullFrom(peer) && replica.satisfies(context)) {
                    return true;
                }
            }
            return replica.satisfies(context);
        }
    }

    /**
     * Runs {@code operation} here when this node hosts the key's shard, else relays the request
     * to the shard's members in turn (API.md 6.5). A write that meets a replica frozen by a
     * reshard waits for the new layout and is routed again. Bounded by {@link #PROXY_BUDGET}.
     */
    private KeyResult onOwner(String key, PeerRequest request, DependencyPolicy policy, LocalOperation operation) {
        if (cluster == null) {
            return operation.apply(new Owner(standalone, null, null, System.nanoTime(), null));
        }
        // A request that may wait for its dependencies gets that long on top of routing's budget;
        // a relayed one brings what is left of its sender's budget: never wait longer than that.
        Duration own = PROXY_BUDGET.plus(policy.bound());
        Duration budget = request.timeout().isZero() || request.timeout().compareTo(own) > 0 ? own : request.timeout();
        long deadline = System.nanoTime() + budget.toNanos();
        NodeAddress self = cluster.self();
        while (true) {
            ClusterMap map = cluster.membership().map();
            Layout layout = map.layout();
            int shard = layout.shardOf(key);
            LocalShard here = cluster.host().current();
            List<NodeAddress> members = map.shardMembers(shard);
            List<NodeAddress> others = new ArrayList<>(members);
            others.remove(self);
            boolean hosted = here != null && here.ref().equals(new ShardRef(shard, layout.epoch()));
            // A replica still fetching its shard must not answer from partial state (a 404 for an
            // existing key, or a write that an older version would then beat): the others answer.
            if (hosted && (here.isReady() || others.isEmpty())) {
                try {
                    return operation.apply(new Owner(here.replica(), here.replicator(), here,
                            Math.min(deadline, System.nanoTime() + policy.bound().toNanos()), cluster.membership()));
                } catch (ReplicaFrozenException e) {
                    if (!cluster.host().awaitMoveFrom(here, deadline)) {
                        throw shardUnavailable();
                    }
                    continue;
                }
            }
            if (!hosted && members.contains(self)) {
                // The map has moved this node to the shard a moment before the host follows it.
                if (System.nanoTime() > deadline) {
                    throw shardUnavailable();
                }
                cluster.host().awaitFollow(10);
                continue;
            }
            return relay(others, request, deadline);
        }
    }

    /** Relays a client request to the members of its shard in turn, reachable ones first. */
    private KeyResult relay(List<NodeAddress> members, PeerRequest request, long deadline) {
        if (request.hops() >= MAX_HOPS) {
            throw shardUnavailable();
        }
        List<NodeAddress> order = new ArrayList<>(members);
        order.sort(Comparator.comparing(peer -> !cluster.membership().health(peer).isReachable()));
        for (int i = 0; i < order.size(); i++) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            // Leave time for the members after this one, should this one be silent.
            long share = Math.max(Math.min(left, 1_000_000_000L), left / (order.size() - i));
            try {
                return KeyResult.relayed(peers.relay(order.get(i), new PeerRequest(request.method(), request.rawPath(),
                        request.body(), Duration.ofNanos(share), request.hops() + 1)), order.get(i));
            } catch (PeerUnreachableException e) {
                // Not a health verdict: the member may just be slow (a write waiting out a
                // reshard). The failure detector decides who is down.
            }
        }
        throw shardUnavailable();
    }

    private static KeyRequestRejected shardUnavailable() {
        return new KeyRequestRejected(KeyRequestRejected.Reason.SHARD_UNAVAILABLE, CausalContext.EMPTY);
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

    /** The current cluster map: layout, members and shards. */
    public ClusterMap clusterMap() {
        return requireCluster().membership().map();
    }

    public List<Integer> shardIds() {
        return clusterMap().shardIds();
    }

    /** This node's shard id, empty when it is unassigned. */
    public Optional<Integer> nodeShardId() {
        int shard = clusterMap().shardOf(requireCluster().self());
        return shard == ClusterMap.NO_SHARD ? Optional.empty() : Optional.of(shard);
    }

    public List<NodeAddress> shardMembers(int shard) {
        ClusterMap map = clusterMap();
        requireShard(map, shard);
        return map.shardMembers(shard);
    }

    /** Live keys of a shard: counted here by a member, else asked of a member (API.md 6.7). */
    public int shardKeyCount(int shard) {
        ClusterMap map = clusterMap();
        requireShard(map, shard);
        ShardRef ref = new ShardRef(shard, map.layout().epoch());
        LocalShard here = cluster.host().current();
        if (here != null && here.ref().equals(ref) && here.isReady()) {
            return here.replica().liveKeyCount();
        }
        long deadline = System.nanoTime() + PROXY_BUDGET.toNanos();
        for (NodeAddress member : map.shardMembers(shard)) {
            if (member.equals(cluster.self()) || System.nanoTime() > deadline) {
                continue;
            }
            try {
                int count = peers.keyCount(member, ref);
                if (count >= 0) {
                    return count;
                }
            } catch (PeerUnreachableException e) {
                // try the next member
            }
        }
        throw new ShardRequestRejected(ShardRequestRejected.Reason.SHARD_UNAVAILABLE);
    }

    /** Puts a node of the view into a shard (API.md 6.7); it then fetches the shard's state. */
    public void addShardMember(int shard, NodeAddress node) {
        ClusterMap map = clusterMap();
        requireShard(map, shard);
        if (!map.isMember(node)) {
            throw new ShardRequestRejected(ShardRequestRejected.Reason.NODE_NOT_IN_VIEW);
        }
        int current = map.shardOf(node);
        if (current != ClusterMap.NO_SHARD && current != shard) {
            throw new ShardRequestRejected(ShardRequestRejected.Reason.NODE_IN_OTHER_SHARD);
        }
        ClusterMap after = cluster.membership().propose(m -> m.withShardMember(node, shard));
        if (after.shardOf(node) != shard) {
            addShardMember(shard, node); // the map changed meanwhile: check again, and refuse if need be
        }
    }

    /** Reshards into {@code shardCount} shards (API.md 6.7, 9.4); answers once the new layout is committed. */
    public void reshard(int shardCount) {
        ClusterMap map = clusterMap();
        if ((long) map.members().size() < 2L * shardCount) {
            throw new ShardRequestRejected(ShardRequestRejected.Reason.NOT_ENOUGH_NODES);
        }
        switch (resharder.reshard(shardCount)) {
            case DONE -> { }
            case CONFLICT -> throw new ShardRequestRejected(ShardRequestRejected.Reason.RESHARD_CONFLICT);
            case UNAVAILABLE -> throw new ShardRequestRejected(ShardRequestRejected.Reason.SHARD_UNAVAILABLE);
        }
    }

    /**
     * Replaces the view and layout ({@code kvs-keys}, API.md 8.5) and answers with the final
     * count of every shard once every key has moved. {@code replFactor} empty keeps the
     * cluster's factor (none: unreplicated mode). A node outside the current view relays the
     * request to a member: then the result is that member's answer.
     */
    public ViewChangeResult changeView(List<NodeAddress> view, Optional<Integer> replFactor, PeerRequest request) {
        ClusterMap map = clusterMap();
        if (!map.isMember(cluster.self()) && request.hops() == 0) {
            KeyResult relayed = relay(map.members(), request, System.nanoTime() + FORWARD_TIMEOUT.toNanos());
            return new ViewChangeResult(List.of(), relayed.relayed());
        }
        int factor = replFactor.orElse(map.layout().replFactor());
        switch (resharder.changeView(view, factor)) {
            case DONE -> { }
            case CONFLICT -> throw new ShardRequestRejected(ShardRequestRejected.Reason.RESHARD_CONFLICT);
            case UNAVAILABLE -> throw new ShardRequestRejected(ShardRequestRejected.Reason.SHARD_UNAVAILABLE);
        }
        ClusterMap after = clusterMap();
        List<ShardSummary> shards = new ArrayList<>();
        for (int shard : after.shardIds()) {
            shards.add(new ShardSummary(shard, after.shardMembers(shard), countAfterMove(shard)));
        }
        return new ViewChangeResult(shards, null);
    }

    /** What a view change did: the new shards, or a member's answer when it was relayed there. */
    public record ViewChangeResult(List<ShardSummary> shards, PeerResponse relayed) {
    }

    /** A shard's count right after a move; its members serve the new layout by now, or very soon. */
    private int countAfterMove(int shard) {
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (true) {
            try {
                return shardKeyCount(shard);
            } catch (ShardRequestRejected notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                cluster.host().awaitFollow(20);
            }
        }
    }

    /** Every node of the view with its shard, state and key count, for the admin page. */
    public List<NodeStatus> nodeStatuses() {
        ClusterRuntime c = requireCluster();
        ClusterMap map = c.membership().map();
        Map<NodeAddress, ShardStatus> reports = c.peerStatus();
        long now = c.membership().now();
        List<NodeStatus> statuses = new ArrayList<>();
        for (NodeAddress node : map.members()) {
            int shard = map.shardOf(node);
            ShardStatus report = node.equals(c.self()) ? c.status() : reports.get(node);
            int keys = report == null || report.shard() == null ? -1 : report.liveKeys();
            NodeStatus.State state;
            if (shard == ClusterMap.NO_SHARD) {
                state = NodeStatus.State.UNASSIGNED;
            } else if (node.equals(c.self())) {
                state = NodeStatus.State.UP;
            } else {
                PeerHealth.Status health = c.membership().health(node).status(now);
                state = health == PeerHealth.Status.UP ? NodeStatus.State.UP
                        : health == PeerHealth.Status.DOWN ? NodeStatus.State.DOWN : NodeStatus.State.SUSPECTED;
            }
            statuses.add(new NodeStatus(node, shard, state, keys));
        }
        return statuses;
    }

    /** The live keys this node's replica holds (its shard's keys; 0 when unassigned). */
    public int liveKeyCount() {
        if (cluster == null) {
            return standalone.liveKeyCount();
        }
        LocalShard here = cluster.host().current();
        return here == null ? 0 : here.replica().liveKeyCount();
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
        return new PingReply(c.membership().map(), c.status());
    }

    @Override
    public boolean onReplicate(NodeAddress from, ShardRef shard, List<Write> writes) {
        LocalShard here = requireCluster().host().current();
        if (here != null && here.ref().equals(shard)) {
            return here.replica().receive(writes);
        }
        // Not taken, so not acknowledged: writes of an older layout reach the new one through
        // their coordinator's hand-over, and writes of a layout this node has not adopted yet
        // are resent later.
        return false;
    }

    @Override
    public Optional<StateDelta> onSync(NodeAddress from, ShardRef shard, VectorClock since) {
        LocalShard here = requireCluster().host().current();
        // Only a replica that has its shard's state may hand it out (a new one has not, yet).
        if (here != null && here.ref().equals(shard) && here.isReady()) {
            return Optional.of(here.replica().changesSince(since));
        }
        return Optional.empty();
    }

    @Override
    public ClusterMap onJoin(NodeAddress joiner) {
        ClusterRuntime c = requireCluster();
        c.add(joiner);
        return c.membership().map();
    }

    @Override
    public boolean onHandoff(ShardRef shard, List<StateDelta.KeyedEntry> entries) {
        return requireCluster().host().receiveHandoff(shard, entries);
    }

    @Override
    public boolean onReshard(ReshardStep step) {
        return requireCluster().onReshard(step);
    }

    @Override
    public int onKeyCount(ShardRef shard) {
        LocalShard here = requireCluster().host().current();
        return here != null && here.ref().equals(shard) && here.isReady() ? here.replica().liveKeyCount() : -1;
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

    private void awaitDurability(Replicator replicator, Write write) {
        if (replicator != null && config.writeAcks() == 2) {
            replicator.awaitAcknowledgement(write.dot().seq(), WRITE_ACK_WAIT);
        }
    }

    private static void requireShard(ClusterMap map, int shard) {
        if (!map.layout().hasShard(shard)) {
            throw new ShardRequestRejected(ShardRequestRejected.Reason.SHARD_NOT_FOUND);
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
