package io.causalkv.node;

import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.PeerHealth;
import io.causalkv.cluster.ShardRef;
import io.causalkv.durability.DataDirectory;
import io.causalkv.replication.LocalShard;
import io.causalkv.replication.StateDelta;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.ReshardStep;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Which shard this node hosts, and the moves between shards. The current {@link LocalShard}
 * follows the cluster map: a node assigned to a shard hosts a replica of it, an unassigned node
 * none. During a reshard the node also holds a <em>staged</em> replica of its shard in the
 * proposed layout ({@link LayoutStaging}), filled by the members of the old layout (hand-over),
 * which becomes current when the new layout is committed; the old replica is then
 * <em>retired</em> ({@link RetiredShards}): frozen, and for a few seconds it still hands over
 * writes that reached it late. One lock (this object's) orders all of it.
 */
final class ShardHost implements AutoCloseable {

    /**
     * How long a starting replica waits for a member it has never heard from before presuming
     * it not started yet (a new cluster whose nodes start one by one): as long as failure
     * detection gives a member that stopped answering, plus the time a member back from a cut
     * takes to answer again and take this node back (it may have removed it: about 1.1 s after
     * the link returns, measured in RollingRestartIT). Without a disk a restarted node cannot
     * tell such a member from one that holds the shard but is cut off (issue 18); presuming too
     * early serves an empty replica, and the next node restarted fetches it: all lost.
     */
    static final long UNHEARD_MEMBER_WAIT_NANOS = PeerHealth.FAILED_AFTER_NANOS + PeerHealth.STABLE_AFTER_NANOS;

    private static final System.Logger LOG = System.getLogger(ShardHost.class.getName());

    private final NodeAddress self;
    private final String incarnation;
    private final PeerClient client;
    private final Membership membership;
    private final HandOver handOver;
    private final PeerReports reports;
    private final AtomicInteger generation = new AtomicInteger();
    /** Entries taken from hand-overs (reshards), from peers or from this node itself. */
    private final LongAdder handedOverIn = new LongAdder();

    private volatile LocalShard current;
    private volatile long currentSince;
    private final LayoutStaging staging;
    private final RetiredShards retired;
    /** Where each replica logs its changes (issue 18); null: in memory only. */
    private final DataDirectory data;
    /** The replicas in use when the unused logs were last dropped (guarded by this); null: never yet. */
    private Set<ShardRef> keptLogs;
    /** Replicas that came back with what their log held (they need not wait for unheard members). */
    private final Set<LocalShard> restored = java.util.concurrent.ConcurrentHashMap.newKeySet();

    ShardHost(NodeAddress self, String incarnation, PeerClient client, Membership membership, PeerReports reports,
            DataDirectory data) {
        this.self = self;
        this.data = data;
        this.reports = reports;
        this.incarnation = incarnation;
        this.client = client;
        this.membership = membership;
        this.handOver = new HandOver(self, client, this::receiveHandoff);
        this.staging = new LayoutStaging(self, membership, this, handOver);
        this.retired = new RetiredShards(self, membership, handOver);
    }

    /** The replica this node serves from, or null when it is unassigned. */
    LocalShard current() {
        return current;
    }

    /**
     * Follows the current map: keeps the current replica's peers up to date, or moves to the
     * shard the map gives this node: the staged replica if a reshard prepared it (ready if this
     * node took part in the hand-over), else a new, empty one that fetches its state. The map is
     * read under this object's lock, so two callers can never apply maps out of order.
     */
    synchronized void follow() {
        ClusterMap map = membership.map();
        int shard = shardOfSelf(map);
        ShardRef wanted = shard == ClusterMap.NO_SHARD ? null : new ShardRef(shard, map.layout().epoch());
        LocalShard now = current;
        if (now != null && now.ref().equals(wanted)) {
            now.membersAre(map.shardMembers(shard), map.shardHolders(shard));
            return;
        }
        if (now == null && wanted == null) {
            return;
        }
        LayoutStaging.Outcome staged = staging.takeCommitted(map, wanted);
        LocalShard next = staged.next();
        if (next == null && wanted != null) {
            next = newShard(wanted, true);
        }
        if (next != null) {
            next.membersAre(map.shardMembers(shard), map.shardHolders(shard));
        }
        current = next;
        currentSince = membership.now();
        LocalShard kept = next;
        restored.removeIf(replica -> replica != kept);
        LOG.log(Level.INFO, "{0}: now hosts {1}", self, wanted == null ? "no shard (unassigned)" : wanted);
        if (now != null) {
            retired.retire(now, staged.handedOver());
        }
        notifyAll();
    }

    /**
     * This node's shard in {@code map}. A node removed by failure detection keeps hosting its
     * shard: it was cut off, its writes of the meantime must still converge, and it rejoins as
     * soon as it hears of the removal (API.md 9.6).
     */
    private int shardOfSelf(ClusterMap map) {
        ClusterMap.Member entry = map.entry(self);
        if (entry != null && entry.status() == ClusterMap.Status.REMOVED) {
            return map.assignedShard(self);
        }
        return map.shardOf(self);
    }

    /**
     * A new replica of {@code ref} under a new replica id. With a data directory it logs every
     * change, and {@code restore}: it starts from what its log holds (a restarted node), so it
     * only pulls what it missed; otherwise (a layout being staged) it starts empty.
     */
    LocalShard newShard(ShardRef ref, boolean restore) {
        String replicaId = self + "@" + incarnation + "." + generation.incrementAndGet();
        LocalShard shard = new LocalShard(self, replicaId, ref, client, membership);
        if (data != null && ReplicaLogs.restore(data, shard.replica(), !restore) > 0) {
            restored.add(shard);
        }
        return shard;
    }

    /**
     * Waits (until {@code deadlineNanos}) for the node to stop serving {@code from}: a new layout
     * committed, or a reshard abandoned (the replica unfrozen). False on timeout.
     */
    synchronized boolean awaitMoveFrom(LocalShard from, long deadlineNanos) {
        while (current == from && from.replica().isFrozen()) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Waits briefly for {@link #follow} to catch up with a map this node already has. */
    synchronized void awaitFollow(long millis) {
        try {
            wait(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- reshard, receiving side (LayoutStaging) ----------------------------------------------

    boolean stage(ClusterMap proposed, String proposal) {
        return staging.stage(proposed, proposal);
    }

    boolean transfer(ReshardStep step) {
        return staging.transfer(step);
    }

    /** Another participant pulled this node's keys to hand them over to the layout of {@code epoch}. */
    void pulledForHandOver(long epoch, VectorClock covered) {
        staging.pulledForHandOver(epoch, covered);
    }

    boolean abort(ClusterMap proposed, String proposal) {
        return staging.abort(proposed, proposal);
    }

    /** Keys handed over to this node: into the staged or current replica of {@code ref}. */
    boolean receiveHandoff(ShardRef ref, List<StateDelta.KeyedEntry> entries) {
        LocalShard target;
        synchronized (this) {
            target = staging.stagedFor(ref);
            if (target == null && current != null && current.ref().equals(ref)) {
                target = current;
            }
        }
        if (target == null) {
            return false;
        }
        target.replica().importEntries(entries);
        target.replica().awaitDurable(); // the sender may drop its copy once this answers
        handedOverIn.add(entries.size());
        return true;
    }

    /** Entries this node has taken from hand-overs so far (copies of keys a reshard moved here). */
    long handedOverEntriesIn() {
        return handedOverIn.sum();
    }

    // ---- background --------------------------------------------------------------------------

    /** One round of background shard work: fetch state for a new replica, expire a stale stage, hand over late writes. */
    void maintain() {
        LocalShard now = current;
        if (now != null && !now.isReady()) {
            becomeReady(now);
        }
        staging.expire();
        retired.handOverLate();
        if (data != null) {
            dropUnusedLogs();
        }
        if (now != null) {
            releaseStagedWrites(now);
        }
    }

    /**
     * Deletes the logs of replicas this node no longer has (retired and handed over, abandoned
     * stages) once the current replica is ready, and compacts the current one's when due. Under
     * this object's lock, reading {@code current} then: a layout committed meanwhile must not
     * have its new replica's log taken for an unused one.
     */
    private synchronized void dropUnusedLogs() {
        LocalShard now = current;
        if (now != null && !now.isReady()) {
            return;
        }
        Set<ShardRef> inUse = new HashSet<>(retired.refs());
        if (now != null) {
            inUse.add(now.ref());
        }
        staging.stagedRef().ifPresent(inUse::add);
        if (!inUse.equals(keptLogs)) {
            // Only when the replicas in use change (and once at start): not a directory listing every round.
            data.keepOnly(inUse);
            keptLogs = inUse;
        }
        if (now != null) {
            data.compactIfDue(now.ref(), now.replica(), DataDirectory.COMPACT_MIN_BYTES);
        }
    }

    /**
     * The logs of replicas of older layouts that a restarted node finds in its data directory
     * (the cluster changed its layout while the node was down): each is replayed into a replica
     * that is retired at once, so it hands its writes over to their current owners (some may be
     * on no other node) before its log goes. Logs of later layouts (a stage never committed) are
     * left to be dropped.
     */
    synchronized void handOverOrphanLogs() {
        if (data == null) {
            return;
        }
        long epoch = membership.map().layout().epoch();
        for (ShardRef ref : data.onDisk()) {
            boolean hosted = current != null && current.ref().equals(ref);
            if (!hosted && ref.epoch() < epoch && !retired.refs().contains(ref)) {
                LocalShard orphan = newShard(ref, true);
                restored.remove(orphan);
                LOG.log(Level.INFO, "{0}: {1} came back from an older layout's log; handing its writes over", self, ref);
                retired.retire(orphan, null);
            }
        }
    }

    /**
     * Shows the writes held from peers that are stable again (API.md 10.3 is over for them) or
     * have failed (what is held is then the only other copy of their writes, so it is shown).
     */
    private void releaseStagedWrites(LocalShard shard) {
        long now = membership.now();
        shard.replica().releaseStaged(node -> !membership.health(node).isReconnecting(now) || membership.health(node).hasFailed(now));
    }

    /**
     * Makes a replica that lacks its shard's state ready, if it can be now: after a complete
     * fetch from a member (only a ready replica answers a sync), or, when every other member of
     * the shard reports a replica of it that is still starting too, as it is (a new cluster, or
     * a shard whose every member lost its state). Otherwise it stays not ready, so it serves
     * nothing and is no one's source, and the next round tries again. A member out of reach is
     * waited for until it answers or failure detection removes it; one never heard from since
     * this node started, for {@link #UNHEARD_MEMBER_WAIT_NANOS}.
     */
    boolean becomeReady(LocalShard shard) {
        if (shard.isReady()) {
            return true;
        }
        long since = shard == current ? currentSince : membership.now();
        for (NodeAddress peer : shard.peers()) {
            // Only peers answering now: a silent one would hold this round for a whole sync timeout.
            if (membership.health(peer).isReachable() && shard.antiEntropy().pullFrom(peer)) {
                shard.markReady();
                restored.remove(shard);
                LOG.log(Level.INFO, "{0}: fetched {1} from {2}", self, shard.ref(), peer);
                return true;
            }
        }
        // A replica restored from its log holds the shard's state as it left it: a member not
        // heard from (not started yet, or cut off) is not waited for. What it lacks, anti-entropy
        // brings, and a client's metadata still waits for what it has seen.
        boolean waitedEnough = restored.contains(shard) || membership.now() - since >= UNHEARD_MEMBER_WAIT_NANOS;
        List<NodeAddress> unheard = waitedEnough
                ? shard.peers().stream().filter(peer -> !membership.health(peer).wasSeenAlive()).toList()
                : List.of();
        List<NodeAddress> others = new ArrayList<>(shard.peers());
        others.removeAll(unheard);
        if (reports.allStarting(others, shard.ref(), since)) {
            shard.markReady();
            restored.remove(shard);
            LOG.log(Level.INFO, "{0}: {1} starts as it is: {2}", self, shard.ref(),
                    shard.peers().isEmpty() ? "no other member"
                            : unheard.isEmpty() ? "every other member is starting too"
                            : "never heard from " + unheard + ", every other member is starting too");
        }
        return shard.isReady();
    }

    @Override
    public synchronized void close() {
        if (current != null) {
            current.close();
        }
        staging.close();
    }
}
