package io.causalkv.cluster;

import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerUnreachableException;
import io.causalkv.transport.Ping;
import io.causalkv.transport.PingReply;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Heartbeats every known node (members or not): a peer that is not reachable (not yet heard
 * from, or a call to it failed) every {@link #PERIOD_MILLIS}, so a reconnection is seen within a
 * round; a reachable one every {@link #HEALTHY_PERIOD_MILLIS}, which bounds how long a silent
 * loss of contact goes unnoticed. Each probe carries this node's cluster map and brings back the
 * peer's (and the state of its replica), so membership changes spread within a healthy period.
 * A member unreachable for 3 s is removed from the view (API.md 9.6); a node that finds itself
 * removed by failure detection rejoins.
 *
 * <p>Why reachable peers are probed less often: every probe is an HTTP exchange on both nodes,
 * and probing every peer each round made an idle 6-node cluster use a third of this 2-core
 * machine (docs/PERFORMANCE.md, "Idle cost"). A lost peer is still suspected at once by any call
 * that fails (replication, relays), and a write never waits more than 200 ms for a replica that
 * is not yet suspected (API.md 6.4), so the longer healthy period delays nothing a client sees.
 */
public final class FailureDetector implements AutoCloseable {

    public static final long PERIOD_MILLIS = 200;
    public static final long HEALTHY_PERIOD_MILLIS = 1_000;
    private static final System.Logger LOG = System.getLogger(FailureDetector.class.getName());

    private final Membership membership;
    private final boolean removesFailed;
    private final PeerClient client;
    private final BiConsumer<NodeAddress, PingReply> onReply;
    private final ScheduledExecutorService rounds;
    private final ExecutorService probes;
    private final Set<NodeAddress> inFlight = ConcurrentHashMap.newKeySet();
    /** When each peer was last probed (nanoTime). */
    private final java.util.Map<NodeAddress, Long> lastProbe = new ConcurrentHashMap<>();

    public FailureDetector(Membership membership, PeerClient client, BiConsumer<NodeAddress, PingReply> onReply) {
        this(membership, client, onReply, true);
    }

    /**
     * @param removesFailed false under manual membership (API.md 9.6): peers are still probed
     *     (health, gossip of the map), but an unreachable one stays in the view
     */
    public FailureDetector(Membership membership, PeerClient client, BiConsumer<NodeAddress, PingReply> onReply,
                           boolean removesFailed) {
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
            for (NodeAddress peer : membership.knownPeers()) {
                if (isDue(peer, now) && inFlight.add(peer)) {
                    lastProbe.put(peer, now);
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

    private boolean isDue(NodeAddress peer, long now) {
        Long last = lastProbe.get(peer);
        return last == null || !membership.health(peer).isReachable()
                || now - last >= TimeUnit.MILLISECONDS.toNanos(HEALTHY_PERIOD_MILLIS - PERIOD_MILLIS / 2);
    }

    /** Probes one peer now; true when it answered. */
    public boolean probe(NodeAddress peer) {
        try {
            PingReply reply = client.ping(peer, new Ping(membership.self(), membership.map()));
            membership.health(peer).succeeded(membership.now());
            membership.adopt(reply.map());
            onReply.accept(peer, reply);
            return true;
        } catch (PeerUnreachableException e) {
            membership.health(peer).failed();
            return false;
        } catch (RuntimeException e) {
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
