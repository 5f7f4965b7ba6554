package io.causalkv.node;

import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.replication.LocalShard;
import io.causalkv.replication.StateDelta;
import io.causalkv.transport.PeerClient;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which shard this node hosts, and the moves between shards. The current {@link LocalShard}
 * follows the cluster map: a node assigned to a shard hosts a replica of it, an unassigned node
 * none. During a reshard the node also holds a <em>staged</em> replica of its shard in the
 * proposed layout, filled by the members of the old layout (hand-over), which becomes current
 * when the new layout is committed; the old replica is then <em>retired</em> ({@link RetiredShards}):
 * frozen, and for a few seconds it still hands over writes that reached it late.
 */
final class ShardHost implements AutoCloseable {

    /** A staged layout that is neither committed nor abandoned within this time is dropped. */
    static final long STAGE_EXPIRY_NANOS = 30_000_000_000L;
    /** How long a newly joined replica tries to fetch its shard's state before serving what it has. */
    static final long INITIAL_SYNC_NANOS = 5_000_000_000L;

    private static final System.Logger LOG = System.getLogger(ShardHost.class.getName());

    private final NodeAddress self;
    private final String incarnation;
    private final PeerClient client;
    private final Membership membership;
    private final HandOver handOver;
    private final AtomicInteger generation = new AtomicInteger();

    private volatile LocalShard current;
    private long currentSince;
    private Staged staged;
    private final RetiredShards retired;
    /** Recently abandoned proposals, so that a STAGE arriving after its ABORT is refused. */
    private final java.util.LinkedHashSet<ClusterMap> aborted = new java.util.LinkedHashSet<>();
    private static final int ABORTED_KEPT = 8;

    /** A proposed layout this node has prepared for, with its replica there (null if unassigned). */
    private static final class Staged {
        final ClusterMap proposed;
        final LocalShard shard;
        final long since;
        /** Told to transfer: a participant, to which every other participant hands its keys. */
        boolean participant;
        /** The clock of this node's replica when its keys were handed over in full; null until then. */
        VectorClock handedOver;

        Staged(ClusterMap proposed, LocalShard shard, long since) {
            this.proposed = proposed;
            this.shard = shard;
            this.since = since;
        }
    }

    ShardHost(NodeAddress self, String incarnation, PeerClient client, Membership membership) {
        this.self = self;
        this.incarnation = incarnation;
        this.client = client;
        this.membership = membership;
        this.handOver = new HandOver(self, client, this::receiveHandoff);
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
            now.membersAre(map.shardMembers(shard));
            return;
        }
        if (now == null && wanted == null) {
            return;
        }
        LocalShard next = null;
        VectorClock handedOver = null;
        if (staged != null && staged.proposed.layout().epoch() <= map.layout().epoch()) {
            boolean committed = staged.proposed.layout().equals(map.layout());
            if (committed && staged.shard != null && staged.shard.ref().equals(wanted)) {
                next = staged.shard;
                if (staged.participant) {
                    next.markReady(); // every participant handed its keys to it before the commit
                }
            } else if (staged.shard != null) {
                staged.shard.close();
            }
            handedOver = committed ? staged.handedOver : null;
            staged = null;
        }
        if (next == null && wanted != null) {
            next = newShard(wanted);
        }
        if (next != null) {
            next.membersAre(map.shardMembers(shard));
        }
        current = next;
        currentSince = membership.now();
        LOG.log(Level.INFO, "{0}: now hosts {1}", self, wanted == null ? "no shard (unassigned)" : wanted);
        if (now != null) {
            retired.retire(now, handedOver);
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

    LocalShard newShard(ShardRef ref) {
        String replicaId = self + "@" + incarnation + "." + generation.incrementAndGet();
        return new LocalShard(self, replicaId, ref, client, membership);
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

    // ---- reshard, receiving side -----------------------------------------------------------

    /**
     * Freezes client writes and prepares an empty replica of this node's shard in {@code proposed}.
     * False when another proposal for the same epoch is staged here: two reshards raced, and the
     * later one must give up rather than mix two layouts.
     */
    synchronized boolean stage(ClusterMap proposed) {
        if (aborted.contains(proposed)) {
            return false; // its ABORT overtook this STAGE: staging now would freeze writes for nothing
        }
        long epoch = proposed.layout().epoch();
        ClusterMap committed = membership.map();
        if (epoch <= committed.layout().epoch()) {
            return committed.layout().equals(proposed.layout()); // this one is committed already
        }
        if (staged != null && staged.proposed.layout().epoch() == epoch) {
            return staged.proposed.equals(proposed);
        }
        if (staged != null && staged.shard != null) {
            staged.shard.close();
        }
        int shard = proposed.shardOf(self);
        LocalShard replica = shard == ClusterMap.NO_SHARD ? null : newShard(new ShardRef(shard, epoch));
        staged = new Staged(proposed, replica, membership.now());
        if (current != null) {
            current.replica().freeze();
        }
        LOG.log(Level.INFO, "{0}: staged layout e{1} ({2} shards)", self, epoch, proposed.layout().shardCount());
        return true;
    }

    /**
     * Hands every key of the current (frozen) replica to every participant that is a member of
     * the key's shard in {@code proposed}. False if any of them did not take all of its keys, or
     * if this replica has not fetched its own shard's state yet and cannot now.
     */
    boolean transfer(ClusterMap proposed, List<NodeAddress> participants) {
        LocalShard source;
        Staged mine;
        synchronized (this) {
            if (staged == null || !staged.proposed.equals(proposed)) {
                return false;
            }
            mine = staged;
            mine.participant = true;
            source = current;
        }
        if (source == null) {
            return true;
        }
        if (!source.isReady() && !fetchInitialState(source)) {
            return false; // it might lack keys that only it would hand over
        }
        StateDelta snapshot = source.replica().changesSince(VectorClock.EMPTY);
        boolean delivered = handOver.deliver(snapshot.entries(), proposed, participants::contains);
        if (delivered) {
            synchronized (this) {
                mine.handedOver = snapshot.clock(); // read before the entries: later writes go over late
            }
        }
        LOG.log(Level.INFO, "{0}: handed over {1} keys for layout e{2}: {3}", self, snapshot.entries().size(),
                proposed.layout().epoch(), delivered ? "done" : "incomplete");
        return delivered;
    }

    /** Drops a staged layout (the coordinator gave up) and lets client writes in again. */
    synchronized boolean abort(ClusterMap proposed) {
        if (staged != null && staged.proposed.equals(proposed)) {
            dropStaged();
        }
        aborted.add(proposed);
        if (aborted.size() > ABORTED_KEPT) {
            aborted.remove(aborted.iterator().next());
        }
        return true;
    }

    private void dropStaged() {
        if (staged.shard != null) {
            staged.shard.close();
        }
        staged = null;
        if (current != null) {
            current.replica().unfreeze();
        }
        notifyAll();
    }

    /** Keys handed over to this node: into the staged or current replica of {@code ref}. */
    boolean receiveHandoff(ShardRef ref, List<StateDelta.KeyedEntry> entries) {
        LocalShard target;
        synchronized (this) {
            if (staged != null && staged.shard != null && staged.shard.ref().equals(ref)) {
                target = staged.shard;
            } else if (current != null && current.ref().equals(ref)) {
                target = current;
            } else {
                return false;
            }
        }
        target.replica().importEntries(entries);
        return true;
    }

    // ---- background --------------------------------------------------------------------------

    /** One round of background shard work: fetch state for a new replica, expire a stale stage, hand over late writes. */
    void maintain() {
        LocalShard now = current;
        if (now != null && !now.isReady()) {
            fetchInitialState(now);
        }
        synchronized (this) {
            if (staged != null && membership.now() - staged.since > STAGE_EXPIRY_NANOS) {
                LOG.log(Level.WARNING, "{0}: staged layout e{1} never committed; dropped", self, staged.proposed.layout().epoch());
                dropStaged();
            }
        }
        retired.handOverLate();
    }

    /**
     * Fetches the shard's state from a member into a replica that joined the shard while the
     * cluster ran; it is ready once one member has answered, or when none has for a while
     * (a node whose peers are all unreachable serves what it holds).
     */
    boolean fetchInitialState(LocalShard shard) {
        for (NodeAddress peer : shard.peers()) {
            // Only peers answering now: a silent one would hold this round for a whole sync timeout.
            if (membership.health(peer).isReachable() && shard.antiEntropy().pullFrom(peer)) {
                shard.markReady();
                LOG.log(Level.INFO, "{0}: fetched {1} from {2}", self, shard.ref(), peer);
                return true;
            }
        }
        if (shard.peers().isEmpty() || membership.now() - currentSince > INITIAL_SYNC_NANOS) {
            shard.markReady();
        }
        return shard.isReady();
    }

    @Override
    public synchronized void close() {
        if (current != null) {
            current.close();
        }
        if (staged != null && staged.shard != null) {
            staged.shard.close();
        }
    }
}
