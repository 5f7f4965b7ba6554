package io.causalkv.node;

import io.causalkv.cluster.ClusterIdentity;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.FailureDetector;
import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.durability.DataDirectory;
import io.causalkv.keys.Placement;
import io.causalkv.replication.LocalShard;
import io.causalkv.replication.ShardStatus;
import io.causalkv.transport.Fanout;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerUnreachableException;
import io.causalkv.transport.Ping;
import io.causalkv.transport.PingReply;
import io.causalkv.transport.ReshardStep;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The cluster side of a node (automatic membership): membership and failure detection, the
 * shard this node hosts ({@link ShardHost}) with its replication and anti-entropy, and the join
 * at start-up (API.md 9.6: announce, fetch the shard's state from a live member, then ready).
 */
public final class ClusterRuntime implements Placement, AutoCloseable {

    /** How often a replica pulls from peers that have writes it lacks. */
    static final long ANTI_ENTROPY_PERIOD_MILLIS = 1_000;
    /** How often shard moves are tended (state fetch of a new replica, late hand-overs). */
    static final long MAINTENANCE_PERIOD_MILLIS = 250;
    /** The start-up join may take this long; the node answers requests within 3 s of start (API.md 10.1). */
    static final long JOIN_PROBE_WAIT_MILLIS = 800;
    private static final System.Logger LOG = System.getLogger(ClusterRuntime.class.getName());

    private final NodeAddress self;
    private final NodeConfig config;
    private final Membership membership;
    private final ShardHost host;
    private final FailureDetector failureDetector;
    private final ScheduledExecutorService background;
    private final PeerClient peerClient;
    private final PeerReports reports = new PeerReports();
    /** Calls to many peers at once (join probes, reshard steps) run on this node's own pool. */
    private final ExecutorService peerCalls;
    private final Fanout fanout;
    /** The data directory (null: none) and what it said of the cluster when the node started. */
    private final DataDirectory data;
    private final Optional<String> savedClusterId;
    private final long incarnation;

    ClusterRuntime(NodeAddress self, NodeConfig config, PeerClient peers, long incarnation, DataDirectory data) {
        this.self = self;
        this.config = config;
        this.peerClient = peers;
        this.data = data;
        this.incarnation = incarnation;
        Optional<DataDirectory.Identity> saved = data == null ? Optional.empty() : data.saved().filter(id -> id.map() != null);
        this.savedClusterId = saved.map(DataDirectory.Identity::clusterId).filter(id -> !id.isEmpty());
        // A restarted node with a data directory comes back in the layout it left (issue 18),
        // not in the one its settings describe (they are only right for a new cluster).
        this.membership = new Membership(self, saved.map(DataDirectory.Identity::map).orElseGet(() -> initialMap(config)),
                System::nanoTime, config.membership() == NodeConfig.Membership.MANUAL);
        savedClusterId.ifPresent(id -> membership.identity().adopt(new ClusterIdentity.Id(id, true)));
        if (data != null) {
            // Before the host follows a new layout: no write is acknowledged in a layout the
            // directory does not know yet.
            membership.onChange(map -> recordIdentity());
            recordIdentity();
        }
        this.host = new ShardHost(self, Long.toString(incarnation, 36), peers, membership, reports, data);
        this.failureDetector = new FailureDetector(membership, peers, this::onPingReply, this::status, isAutomatic());
        this.background = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "shard-work-" + self);
            thread.setDaemon(true);
            return thread;
        });
        membership.onChange(map -> host.follow());
        this.peerCalls = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "peer-calls-" + self);
            thread.setDaemon(true);
            return thread;
        });
        this.fanout = new Fanout(peerCalls);
    }

    /**
     * The layout of a new cluster from this node's settings (API.md 2.2, 8.1, 9.2); replaced by
     * the cluster's own map as soon as a peer answers.
     */
    private static ClusterMap initialMap(NodeConfig config) {
        List<NodeAddress> view = config.view();
        int replFactor = config.replFactor().orElse(0);
        if (config.membership() == NodeConfig.Membership.MANUAL) {
            return ClusterMap.initialManual(view, replFactor);
        }
        int shards = config.shardCount().orElse(replFactor > 0 ? Math.max(1, view.size() / replFactor) : 0);
        ClusterMap map = ClusterMap.initial(view, shards);
        return replFactor == 0 ? map
                : new ClusterMap(new io.causalkv.cluster.Layout(map.layout().epoch(), map.layout().shardCount(),
                        map.layout().sharded(), replFactor), map.entries());
    }

    /** Automatic membership (SOCKET_ADDRESS): failures remove nodes, nodes announce themselves (API.md 9.6). */
    boolean isAutomatic() {
        return config.membership() == NodeConfig.Membership.AUTOMATIC;
    }

    public Membership membership() {
        return membership;
    }

    @Override
    public NodeAddress self() {
        return self;
    }

    @Override
    public ClusterMap map() {
        return membership.map();
    }

    @Override
    public LocalShard hosted() {
        return host.current();
    }

    @Override
    public boolean awaitMoveFrom(LocalShard from, long deadlineNanos) {
        return host.awaitMoveFrom(from, deadlineNanos);
    }

    @Override
    public void awaitFollow(long millis) {
        host.awaitFollow(millis);
    }

    @Override
    public boolean isReachable(NodeAddress peer) {
        return membership.health(peer).isReachable();
    }

    ShardHost host() {
        return host;
    }

    PeerClient peers() {
        return peerClient;
    }

    Fanout fanout() {
        return fanout;
    }

    /** Runs {@code work} on the node's pool for peer calls (done at once, undone, once the node is stopping). */
    CompletableFuture<Void> inBackground(Runnable work) {
        try {
            return CompletableFuture.runAsync(work, peerCalls);
        } catch (RejectedExecutionException stopping) {
            return CompletableFuture.completedFuture(null);
        }
    }

    FailureDetector failureDetector() {
        return failureDetector;
    }

    /** The latest heartbeat report of each peer's replica. */
    public Map<NodeAddress, ShardStatus> peerStatus() {
        return reports.latest();
    }

    /**
     * Whether this node serves what it should: it hosts no shard, or its replica has its
     * shard's state (API.md 9.6). A rolling restart waits for this before the next node.
     */
    boolean hasItsState() {
        LocalShard shard = host.current();
        return shard == null || shard.isReady();
    }

    void start() {
        join();
        failureDetector.start();
        background.scheduleWithFixedDelay(this::antiEntropyRound, ANTI_ENTROPY_PERIOD_MILLIS,
                ANTI_ENTROPY_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        background.scheduleWithFixedDelay(this::maintenanceRound, MAINTENANCE_PERIOD_MILLIS,
                MAINTENANCE_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Learns the cluster's map from the configured peers (replacing the map of this node's own
     * VIEW, which is only right for a new cluster), joins it if the map lacks this node (it is
     * appended to the cluster order), tells the peers, and fetches its shard's state from a live
     * member. Bounded; a node whose peers are all unreachable starts with the map of its VIEW.
     */
    private void join() {
        Map<NodeAddress, PingReply> replies = ofOneCluster(probeConfiguredPeers());
        if (!replies.isEmpty()) {
            ClusterMap cluster = null;
            for (PingReply reply : replies.values()) {
                cluster = cluster == null ? reply.map() : membership.combine(cluster, reply.map());
            }
            if (isAutomatic()) {
                membership.reset(cluster.withMember(self));
                replies.keySet().forEach(failureDetector::announceTo);
            } else {
                // Manual membership: the cluster's view stands; a node outside it is idle (API.md 8.1).
                membership.reset(cluster);
            }
        }
        host.follow();
        host.handOverOrphanLogs();
        // After follow: reports count for the start-up rule only if newer than the replica.
        replies.forEach((peer, reply) -> observe(peer, reply.status()));
        LocalShard shard = host.current();
        if (shard == null) {
            LOG.log(Level.INFO, "{0}: joined, unassigned", self);
        } else if (host.becomeReady(shard)) {
            LOG.log(Level.INFO, "{0}: joined {1}", self, shard.ref());
        } else {
            // Serving an empty replica would answer 404 for keys the shard holds, and make it a
            // source for the next node to restart: it relays until a member gives it the state.
            LOG.log(Level.INFO, "{0}: joined {1}; waiting for a member to fetch its state from", self, shard.ref());
        }
    }

    /**
     * The answers of one cluster, whose id this node takes: the id most of the settled nodes that
     * answered gave (then the smallest). A VIEW that names nodes of two clusters must not merge
     * them (issue 17): a settled node of another id whose map shares no node with that
     * cluster's is left out, and counts as unreachable. Nodes still starting (none settled)
     * agree later, by heartbeats.
     */
    /**
     * Records the node's identity in its data directory, if it has one and anything changed.
     * Synchronized: the map is read and saved in one step, so an older map never overwrites a newer one.
     */
    synchronized void recordIdentity() {
        if (data != null) {
            ClusterIdentity.Id id = membership.identity().current();
            data.save(new DataDirectory.Identity(id.settled() ? id.id() : "", membership.map(), incarnation));
        }
    }

    private Map<NodeAddress, PingReply> ofOneCluster(Map<NodeAddress, PingReply> replies) {
        Optional<String> chosen = replies.values().stream()
                .map(PingReply::cluster)
                .filter(ClusterIdentity.Id::settled)
                .collect(Collectors.groupingBy(ClusterIdentity.Id::id, Collectors.counting()))
                .entrySet().stream()
                .sorted(Comparator.comparing(Map.Entry<String, Long>::getValue, Comparator.reverseOrder())
                        .thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey)
                .findFirst();
        if (chosen.isEmpty()) {
            return replies;
        }
        if (savedClusterId.isPresent() && !savedClusterId.get().equals(chosen.get())
                && replies.values().stream().noneMatch(reply -> reply.cluster().id().equals(savedClusterId.get()))) {
            throw new DataDirectory.Refused("data directory " + data.root() + " belongs to cluster " + savedClusterId.get()
                    + ", but the nodes of VIEW answer as cluster " + chosen.get());
        }
        membership.identity().adopt(new ClusterIdentity.Id(chosen.get(), true));
        ClusterMap theirs = new ClusterMap(Map.of());
        for (PingReply reply : replies.values()) {
            if (reply.cluster().id().equals(chosen.get())) {
                theirs = theirs.merge(reply.map());
            }
        }
        Map<NodeAddress, PingReply> same = new HashMap<>();
        for (Map.Entry<NodeAddress, PingReply> e : replies.entrySet()) {
            ClusterIdentity.Id id = e.getValue().cluster();
            if (!id.settled() || id.id().equals(chosen.get())
                    || ClusterIdentity.shareNodes(theirs, e.getValue().map(), self, e.getKey())) {
                same.put(e.getKey(), e.getValue());
            } else {
                LOG.log(Level.WARNING, "{0}: {1} belongs to another cluster ({2}, not {3}): left out", self, e.getKey(),
                        id.id(), chosen.get());
                membership.health(e.getKey()).foreign();
            }
        }
        return same;
    }

    private Map<NodeAddress, PingReply> probeConfiguredPeers() {
        List<NodeAddress> peers = new ArrayList<>(config.view());
        peers.remove(self);
        // Some peers too slow: join with those that answered.
        return fanout.ask(peers, Duration.ofMillis(JOIN_PROBE_WAIT_MILLIS), peer -> {
            try {
                // An empty map: this node's own VIEW-made map must not leak into a running
                // cluster (it would add a layout of its own); it learns the cluster's first.
                PingReply reply = peerClient.ping(peer, new Ping(self, new ClusterMap(Map.of()), ShardStatus.NONE,
                        membership.identity().current()));
                membership.health(peer).succeeded(membership.now());
                return reply;
            } catch (PeerUnreachableException e) {
                membership.health(peer).failed();
                throw e;
            }
        });
    }

    private void onPingReply(NodeAddress peer, PingReply reply) {
        observe(peer, reply.status());
    }

    /** A peer's report of its replica, from its answer to our ping or from its own ping. */
    void observe(NodeAddress peer, ShardStatus status) {
        reports.heard(peer, status, membership.now());
        LocalShard shard = host.current();
        if (shard != null) {
            shard.antiEntropy().observe(peer, status);
        }
    }

    /** This node's report of its replica, for heartbeats. */
    ShardStatus status() {
        LocalShard shard = host.current();
        return shard == null ? ShardStatus.NONE : shard.status();
    }

    private void antiEntropyRound() {
        try {
            LocalShard shard = host.current();
            if (shard != null && shard.isReady()) {
                shard.antiEntropy().runOnce();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "anti-entropy round failed", e);
        }
    }

    private void maintenanceRound() {
        try {
            recordIdentity(); // the cluster id settles on a heartbeat, not on a map change
            host.maintain();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "shard maintenance failed", e);
        }
    }

    ViewChange add(NodeAddress node) {
        membership.learn(node);
        boolean[] added = {false};
        membership.propose(m -> {
            ClusterMap next = m.withMember(node);
            added[0] = next != m;
            return next;
        });
        return added[0] ? ViewChange.ADDED : ViewChange.ALREADY_PRESENT;
    }

    ViewChange remove(NodeAddress node) {
        boolean[] removed = {false};
        membership.propose(m -> {
            ClusterMap next = m.withoutMember(node, true);
            removed[0] = next != m;
            return next;
        });
        return removed[0] ? ViewChange.DELETED : ViewChange.NOT_PRESENT;
    }

    boolean onReshard(ReshardStep step) {
        return switch (step.phase()) {
            case STAGE -> host.stage(step.proposed(), step.proposal());
            case TRANSFER -> host.transfer(step);
            case ABORT -> host.abort(step.proposed(), step.proposal());
        };
    }

    @Override
    public void close() {
        failureDetector.close();
        background.shutdownNow();
        peerCalls.shutdownNow();
        host.close();
    }
}
