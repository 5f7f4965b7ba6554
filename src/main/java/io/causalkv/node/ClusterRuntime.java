package io.causalkv.node;

import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.FailureDetector;
import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.replication.AntiEntropy;
import io.causalkv.replication.Replicator;
import io.causalkv.replication.ShardReplica;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PingReply;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The cluster side of a node (automatic membership, one replicated shard): membership and
 * failure detection, replication, anti-entropy, and the join at start-up (API.md 9.6: announce,
 * fetch the state from a live member, then ready).
 */
public final class ClusterRuntime implements AutoCloseable {

    /** How often a replica pulls from peers that have writes it lacks. */
    static final long ANTI_ENTROPY_PERIOD_MILLIS = 1_000;
    /** The start-up join may take this long; the node answers requests within 3 s of start (API.md 10.1). */
    static final long JOIN_PROBE_WAIT_MILLIS = 800;
    private static final System.Logger LOG = System.getLogger(ClusterRuntime.class.getName());

    private final NodeAddress self;
    private final NodeConfig config;
    private final Membership membership;
    private final Replicator replicator;
    private final AntiEntropy antiEntropy;
    private final FailureDetector failureDetector;
    private final ScheduledExecutorService repair;

    ClusterRuntime(NodeAddress self, NodeConfig config, PeerClient peers, ShardReplica replica) {
        this.self = self;
        this.config = config;
        List<NodeAddress> view = new ArrayList<>(config.view());
        this.membership = new Membership(self, ClusterMap.initial(view), System::nanoTime);
        this.replicator = new Replicator(self, peers, membership);
        this.antiEntropy = new AntiEntropy(self, peers, membership, replica);
        this.failureDetector = new FailureDetector(membership, peers, this::onPingReply);
        this.repair = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "anti-entropy-" + self);
            thread.setDaemon(true);
            return thread;
        });
        membership.onChange(map -> replicator.replicateTo(map.members()));
        replicator.replicateTo(view);
    }

    public Membership membership() {
        return membership;
    }

    public Replicator replicator() {
        return replicator;
    }

    void start() {
        join();
        failureDetector.start();
        repair.scheduleWithFixedDelay(this::antiEntropyRound, ANTI_ENTROPY_PERIOD_MILLIS,
                ANTI_ENTROPY_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /**
     * Learns the cluster's map from the configured peers, announces this node if the map lacks
     * it, and fetches the state from a live member. Bounded; a node whose peers are all
     * unreachable starts with the map of its VIEW and serves what it holds.
     */
    private void join() {
        List<NodeAddress> reachable = probeConfiguredPeers();
        if (!membership.map().isMember(self)) {
            boolean announced = reachable.stream().anyMatch(failureDetector::announceTo);
            if (!announced) {
                membership.propose(m -> m.isMember(self) ? m : m.withMember(self, self));
            }
        }
        for (NodeAddress peer : membership.otherMembers()) {
            if (reachable.contains(peer) && antiEntropy.pullFrom(peer)) {
                LOG.log(Level.INFO, "{0}: joined; state fetched from {1}", self, peer);
                return;
            }
        }
        LOG.log(Level.INFO, "{0}: started with no live peer to fetch state from", self);
    }

    private List<NodeAddress> probeConfiguredPeers() {
        List<NodeAddress> peers = new ArrayList<>(config.view());
        peers.remove(self);
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(peers.size(), 8)));
        try {
            List<CompletableFuture<Boolean>> probes = new ArrayList<>();
            for (NodeAddress peer : peers) {
                probes.add(CompletableFuture.supplyAsync(() -> failureDetector.probe(peer), pool));
            }
            List<NodeAddress> reachable = new ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JOIN_PROBE_WAIT_MILLIS);
            for (int i = 0; i < peers.size(); i++) {
                try {
                    long left = Math.max(0, deadline - System.nanoTime());
                    if (probes.get(i).get(left, TimeUnit.NANOSECONDS)) {
                        reachable.add(peers.get(i));
                    }
                } catch (Exception e) {
                    // unreachable or too slow: not a peer to join through
                }
            }
            return reachable;
        } finally {
            pool.shutdownNow();
        }
    }

    private void onPingReply(NodeAddress peer, PingReply reply) {
        antiEntropy.observe(peer, reply.applied());
    }

    private void antiEntropyRound() {
        try {
            antiEntropy.runOnce();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "anti-entropy round failed", e);
        }
    }

    ViewChange add(NodeAddress node) {
        membership.learn(node);
        boolean[] added = {false};
        membership.propose(m -> {
            if (m.isMember(node)) {
                return m;
            }
            added[0] = true;
            return m.withMember(node, self);
        });
        return added[0] ? ViewChange.ADDED : ViewChange.ALREADY_PRESENT;
    }

    ViewChange remove(NodeAddress node) {
        boolean[] removed = {false};
        membership.propose(m -> {
            if (!m.isMember(node)) {
                return m;
            }
            removed[0] = true;
            return m.withoutMember(node, true, self);
        });
        return removed[0] ? ViewChange.DELETED : ViewChange.NOT_PRESENT;
    }

    @Override
    public void close() {
        failureDetector.close();
        repair.shutdownNow();
        replicator.close();
    }
}
