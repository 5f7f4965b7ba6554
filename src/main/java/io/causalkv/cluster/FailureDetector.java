package io.causalkv.cluster;

import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerOperation;
import io.causalkv.transport.PeerUnreachableException;
import io.causalkv.transport.Ping;
import io.causalkv.transport.PingReply;
import io.causalkv.replication.ShardStatus;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Heartbeats every known node (members or not, but not one that departed by request a minute
 * ago: {@link Membership#peersToProbe}) each {@link #PERIOD_MILLIS}, except a reachable
 * peer that pinged this node within the last {@link #HEARD_WINDOW_MILLIS}: its ping brought its
 * map and the state of its replica, and this node's answer took ours back, so a pair of nodes
 * settles into one ping a period instead of two (one side probes, the other hears). The side that
 * hears still notices a silence at once: a peer not heard from within the window is probed, and
 * suspected if the probe fails, so a cut-off replica suspects its peers well within 1 s of losing
 * contact (API.md 10.3: the missed writes wait until the peer has been back for a while). Each
 * probe carries this node's cluster map and brings back the peer's, so membership changes spread
 * within a round; a map the peer already has goes as its digest (an idle cluster's map does not
 * change). A member unreachable for 3 s is removed from the view (API.md 9.6); a node that
 * finds itself removed by failure detection rejoins.
 *
 * <p>Why not probe healthy replicas less often: a replica must notice a cut of half a second (a
 * 1 s period let a replica that never noticed its cut pull the writes it missed at once, in one
 * run of four of the 10.3 test). A peer of another shard holds none of this node's writes, so
 * it is probed (and heard) {@link #FAR_PERIOD_MILLIS} apart. Every probe is an HTTP exchange on both nodes; all-to-all probing
 * made an idle 6-node cluster use a third of this 2-core machine even outside Jersey
 * (docs/PERFORMANCE.md, "Idle cost").
 */
public final class FailureDetector implements AutoCloseable {

    public static final long PERIOD_MILLIS = 200;
    /** A peer heard from within this window (more than a period: pings arrive a period apart, give or take) is not probed. */
    public static final long HEARD_WINDOW_MILLIS = PERIOD_MILLIS * 3 / 2;
    /**
     * The period towards a peer of another shard. Only replicas need to notice a cut within a
     * fraction of a second (API.md 10.3, acknowledgements 6.4). A peer of another shard matters
     * for removal (9.6: 10 s) and for relays: a read tries the shard's members in turn, but a
     * relayed write goes to one member and waits out its budget when that member is silently
     * cut off (it may have arrived: never sent twice), so a member of another shard still counts
     * as reachable for a window of about 1.5 periods, a round and a probe after its cut: 600 ms
     * (three rounds) keeps that near 1.5 s (0.9 s at 200 ms). In an idle 6-node cluster of two
     * shards, 9 of the 15 pairs are such.
     */
    public static final long FAR_PERIOD_MILLIS = 600;
    private static final System.Logger LOG = System.getLogger(FailureDetector.class.getName());
    /** A failed probe that took longer than this (its timeout and then some) failed late. */
    static final long LATE_AFTER_NANOS = PeerOperation.PING.timeout().toNanos() + TimeUnit.MILLISECONDS.toNanos(PERIOD_MILLIS);

    private final Membership membership;
    private final boolean removesFailed;
    private final PeerClient client;
    private final BiConsumer<NodeAddress, PingReply> onReply;
    private final Supplier<ShardStatus> status;
    private final ScheduledExecutorService rounds;
    private final ExecutorService probes;
    private final Set<NodeAddress> inFlight = ConcurrentHashMap.newKeySet();
    /**
     * The digest of each peer's map as of its last answer: while ours is the same, a probe
     * carries the digest instead of the map (Ping).
     */
    private final java.util.Map<NodeAddress, Long> peerMapDigests = new ConcurrentHashMap<>();
    /** Peers whose last probe failed late, with no verdict: the next failure counts. */
    private final Set<NodeAddress> excusedOnce = ConcurrentHashMap.newKeySet();
    /** When each peer was last probed (nanoTime): a peer of another shard is probed a far period apart. */
    private final java.util.Map<NodeAddress, Long> lastProbed = new ConcurrentHashMap<>();

    public FailureDetector(Membership membership, PeerClient client, BiConsumer<NodeAddress, PingReply> onReply) {
        this(membership, client, onReply, () -> ShardStatus.NONE, true);
    }

    /**
     * @param removesFailed false under manual membership (API.md 9.6): peers are still probed
     *     (health, gossip of the map), but an unreachable one stays in the view
     */
    public FailureDetector(Membership membership, PeerClient client, BiConsumer<NodeAddress, PingReply> onReply,
                           Supplier<ShardStatus> status, boolean removesFailed) {
        this.status = status;
        this.removesFailed = removesFailed;
        this.membership = membership;
        this.client = client;
        this.onReply = onReply;
        String name = "heartbeat-" + membership.self();
        this.rounds = Executors.newSingleThreadScheduledExecutor(daemon(name));
        this.probes = Executors.newCachedThreadPool(daemon(name + "-probe"));
    }

    public void start() {
        rounds.scheduleWithFixedDelay(this::round, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void round() {
        try {
            long now = membership.now();
            ClusterMap map = membership.map();
            for (NodeAddress peer : membership.peersToProbe()) {
                if (isDue(peer, map, now) && inFlight.add(peer)) {
                    lastProbed.put(peer, now);
                    probes.execute(() -> probe(peer));
                }
            }
            if (removesFailed) {
                removeFailedMembers();
                rejoinIfRemoved();
            }
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // close() shut the probe pool down while this round ran: the node is stopping
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "heartbeat round failed", e);
        }
    }

    /**
     * An unreachable peer is due every round. A reachable one is not due while it is heard from
     * within the window (it probes us); otherwise a replica peer is due every round, a peer of
     * another shard once its far period has passed since its last probe.
     */
    private boolean isDue(NodeAddress peer, ClusterMap map, long now) {
        PeerHealth health = membership.health(peer);
        if (!health.isReachable()) {
            return true;
        }
        boolean near = isReplicaPeer(map, peer);
        long window = near ? HEARD_WINDOW_MILLIS : FAR_PERIOD_MILLIS * 3 / 2;
        if (now - health.lastHeard() < TimeUnit.MILLISECONDS.toNanos(window)) {
            return false;
        }
        Long probed = lastProbed.get(peer);
        // Less half a round: rounds start a period after the previous one ended, so a whole far
        // period would drift to the next round each time.
        return near || probed == null || now - probed >= TimeUnit.MILLISECONDS.toNanos(FAR_PERIOD_MILLIS - PERIOD_MILLIS / 2);
    }

    /**
     * A peer that holds (or may hold) a replica of this node's shard: the same shard in the
     * layout, or either of them without one (starting, unassigned, or a replicated cluster's
     * single shard) — when in doubt, near.
     */
    private boolean isReplicaPeer(ClusterMap map, NodeAddress peer) {
        int mine = map.assignedShard(membership.self());
        int theirs = map.assignedShard(peer);
        return mine == ClusterMap.NO_SHARD || theirs == ClusterMap.NO_SHARD || mine == theirs;
    }

    /**
     * A peer this node does not count as reachable has just called it: probes it now rather than
     * at the next round, so that writes go to it again at once (issue 17: up to a round of
     * single-copy acknowledgements after every heal). Its call alone proves nothing of this
     * node's way to it (a one-way cut), so it takes a probe.
     */
    public void probeSoon(NodeAddress peer) {
        if (!membership.health(peer).isReachable() && inFlight.add(peer)) {
            try {
                probes.execute(() -> probe(peer));
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                inFlight.remove(peer);
            }
        }
    }

    /** Probes one peer now; true when it answered. */
    public boolean probe(NodeAddress peer) {
        long start = membership.now();
        try {
            ClusterMap mine = membership.map();
            Long known = peerMapDigests.get(peer);
            // The map only when the peer may lack it: an unchanged map goes as its digest.
            Ping ping = known != null && known == mine.digest()
                    ? Ping.withDigest(membership.self(), mine.digest(), status.get(), membership.identity().current())
                    : new Ping(membership.self(), mine, status.get(), membership.identity().current());
            PingReply reply = client.ping(peer, ping);
            ClusterIdentity.Meeting meeting = membership.identity().meet(reply.cluster(),
                    ClusterIdentity.shareNodes(membership.map(), reply.mapOr(mine), membership.self(), peer));
            if (meeting == ClusterIdentity.Meeting.FOREIGN) {
                peerMapDigests.remove(peer);
                // A node of another cluster answered (a wrong VIEW or view change named it): to
                // this one it is as good as unreachable, and no map crosses (issue 17).
                membership.health(peer).foreign();
                if (removesFailed && membership.map().isMember(peer)) {
                    // Not ours: it leaves the view as if by request, so it holds no place in a shard.
                    membership.propose(m -> m.withoutMember(peer, true));
                    LOG.log(Level.WARNING, "{0}: {1} belongs to another cluster ({2}): removed from the view",
                            membership.self(), peer, reply.cluster().id());
                }
                return false;
            }
            membership.health(peer).succeeded(membership.now());
            if (meeting == ClusterIdentity.Meeting.ANSWER_ONLY) {
                peerMapDigests.remove(peer);
                return true; // still starting: it takes this node's id from our ping, and its map counts from then on
            }
            excusedOnce.remove(peer);
            if (reply.map() != null) {
                membership.adopt(reply.map());
            }
            if (reply.mapDigest() != 0) {
                peerMapDigests.put(peer, reply.mapDigest());
            } else {
                peerMapDigests.remove(peer); // a peer that does not read digests gets the map every time
            }
            onReply.accept(peer, reply);
            return true;
        } catch (PeerUnreachableException e) {
            // It may come back restarted, without the map it had: the next probe carries ours.
            peerMapDigests.remove(peer);
            if (membership.now() - start > LATE_AFTER_NANOS && excusedOnce.add(peer)) {
                // The answer was awaited far past its timeout: this node itself stalled (a GC
                // pause, CPU starvation, SIGSTOP), and may not have read an answer that came in
                // time. No verdict once (issue 17: a 400 ms stall made a node suspect every peer
                // and acknowledge its next writes on one copy); a second failure in a row counts.
                LOG.log(Level.DEBUG, "probe of {0} failed {1} ms late: no verdict", peer,
                        (membership.now() - start - LATE_AFTER_NANOS) / 1_000_000);
                return false;
            }
            membership.health(peer).failed();
            return false;
        } catch (RuntimeException e) {
            peerMapDigests.remove(peer);
            // A reply that does not decode, or the node shutting down under the probe: no verdict.
            LOG.log(Level.DEBUG, "probe of {0} failed: {1}", peer, e.toString());
            return false;
        } finally {
            inFlight.remove(peer);
        }
    }

    private void removeFailedMembers() {
        long now = membership.now();
        for (NodeAddress member : membership.otherMembers()) {
            if (membership.health(member).hasFailed(now)) {
                membership.propose(m -> m.withoutMember(member, false));
                LOG.log(Level.INFO, "{0}: removed unreachable node {1}", membership.self(), member);
            }
        }
    }

    /**
     * A node removed by failure detection (it was cut off, or the others were) refutes the
     * removal as soon as it hears of it: it rejoins, appended to the cluster order (API.md 9.6).
     */
    private void rejoinIfRemoved() {
        NodeAddress self = membership.self();
        ClusterMap.Member entry = membership.map().entry(self);
        if (entry != null && entry.status() == ClusterMap.Status.REMOVED) {
            membership.propose(m -> m.withMember(self));
            LOG.log(Level.INFO, "{0}: rejoined after being removed", self);
        }
    }

    /** Announces this node to {@code peer} (PUT /view semantics); true when the peer answered. */
    public boolean announceTo(NodeAddress peer) {
        try {
            membership.adopt(client.join(peer, membership.self()));
            return true;
        } catch (PeerUnreachableException e) {
            return false;
        }
    }

    @Override
    public void close() {
        rounds.shutdownNow();
        probes.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
