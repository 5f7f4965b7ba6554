package io.causalkv.node;

import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.FailureDetector;
import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.replication.AntiEntropy;
import io.causalkv.replication.Replicator;
import io.causalkv.replication.ShardReplica;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerUnreachableException;
import io.causalkv.transport.Ping;
import io.causalkv.transport.PingReply;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
    private final PeerClient peerClient;

    ClusterRuntime(NodeAddress self, NodeConfig config, PeerClient peers, ShardReplica replica) {
        this.self = self;
        this.config = config;
        this.peerClient = peers;
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
     * Learns the cluster's map from the configured peers (replacing the map of this node's own
     * VIEW, which is only right for a new cluster), joins it if the map lacks this node (it is
     * appended to the cluster order), tells the peers, and fetches the state from a live member.
     * Bounded; a node whose peers are all unreachable starts with the map of its VIEW.
     */
    private void join() {
        Map<NodeAddress, PingReply> replies = probeConfiguredPeers();
        if (!replies.isEmpty()) {
            ClusterMap cluster = null;
            for (PingReply reply : replies.values()) {
                cluster = cluster == null ? reply.map() : cluster.merge(reply.map());
            }
            membership.reset(cluster.withMember(self));
            replies.keySet().forEach(failureDetector::announceTo);
        }
        for (NodeAddress peer : membership.otherMembers()) {
            if (replies.containsKey(peer) && antiEntropy.pullFrom(peer)) {
                LOG.log(Level.INFO, "{0}: joined; state fetched from {1}", self, peer);
                return;
            }
        }
        LOG.log(Level.INFO, "{0}: started with no live peer to fetch state from", self);
    }

    private Map<NodeAddress, PingReply> probeConfiguredPeers() {
        List<NodeAddress> peers = new ArrayList<>(config.view());
        peers.remove(self);
        Map<NodeAddress, PingReply> replies = new ConcurrentHashMap<>();
        if (peers.isEmpty()) {
            return replies;
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(peers.size(), 8));
        try {
            List<CompletableFuture<Void>> probes = new ArrayList<>();
            for (NodeAddress peer : peers) {
                probes.add(CompletableFuture.runAsync(() -> {
                    try {
                        replies.put(peer, peerClient.ping(peer, new Ping(self, membership.map())));
                        membership.health(peer).succeeded(membership.now());
                    } catch (PeerUnreachableException e) {
                        membership.health(peer).failed();
                    }
                }, pool));
            }
            try {
                CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new))
                        .get(JOIN_PROBE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // some peers too slow: join with those that answered
            }
            return new java.util.HashMap<>(replies);
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

    @Override
    public void close() {
        failureDetector.close();
        repair.shutdownNow();
        replicator.close();
    }
}
