package io.causalkv.node;

import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.Layout;
import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.replication.LocalShard;
import io.causalkv.replication.ShardReplica;
import io.causalkv.replication.StateDelta;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerUnreachableException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which shard this node hosts, and the moves between shards. The current {@link LocalShard}
 * follows the cluster map: a node assigned to a shard hosts a replica of it, an unassigned node
 * none. During a reshard the node also holds a <em>staged</em> replica of its shard in the
 * proposed layout, filled by the members of the old layout (hand-over), which becomes current
 * when the new layout is committed; the old replica is then <em>retired</em>: frozen, and for a
 * few seconds it still hands over writes that reached it late.
 */
final class ShardHost implements AutoCloseable {

    /** Entries per hand-over message. */
    static final int HANDOFF_BATCH = 2_000;
    /** A staged layout that is neither committed nor abandoned within this time is dropped. */
    static final long STAGE_EXPIRY_NANOS = 30_000_000_000L;
    /** How long a retired replica keeps handing over late writes. */
    static final long RETIRE_NANOS = 8_000_000_000L;
    /** How long a newly joined replica tries to fetch its shard's state before serving what it has. */
    static final long INITIAL_SYNC_NANOS = 5_000_000_000L;

    private static final System.Logger LOG = System.getLogger(ShardHost.class.getName());

    private final NodeAddress self;
    private final String incarnation;
    private final PeerClient client;
    private final Membership membership;
    private final AtomicInteger generation = new AtomicInteger();

    private volatile LocalShard current;
    private long currentSince;
    private Staged staged;
    private final List<Retired> retired = new ArrayList<>();
    /** The current replica's clock when its keys were handed over (empty if they never were). */
    private VectorClock handedOver = VectorClock.EMPTY;

    /** A proposed layout this node has prepared for, with its replica there (null if unassigned). */
    private record Staged(ClusterMap proposed, LocalShard shard, long since) {
    }

    /** An old replica still handing over writes that reach it late, to the layout {@code next}. */
    private record Retired(LocalShard shard, ClusterMap next, VectorClock handedOver, long since) {
    }

    ShardHost(NodeAddress self, String incarnation, PeerClient client, Membership membership) {
        this.self = self;
        this.incarnation = incarnation;
        this.client = client;
        this.membership = membership;
    }

    /** The replica this node serves from, or null when it is unassigned. */
    LocalShard current() {
        return current;
    }

    /**
     * Follows the current map: keeps the current replica's peers up to date, or moves to the
     * shard the map gives this node (the staged replica if a reshard prepared it, else a new,
     * empty one that must fetch its state).
     */
    synchronized void follow(ClusterMap map) {
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
        if (staged != null && staged.proposed().layout().epoch() <= map.layout().epoch()) {
            if (staged.shard() != null && staged.shard().ref().equals(wanted)) {
                next = staged.shard();
                next.markReady(); // filled by the hand-over before the layout was committed
            } else if (staged.shard() != null) {
                staged.shard().close();
            }
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
            retire(now, map);
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

    private void retire(LocalShard old, ClusterMap next) {
        old.replica().freeze();
        old.close();
        if (old.ref().epoch() < next.layout().epoch()) {
            // The keys were handed over before the commit; late replicated writes still follow them.
            retired.add(new Retired(old, next, handedOver, membership.now()));
        }
        handedOver = VectorClock.EMPTY;
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
        long epoch = proposed.layout().epoch();
        ClusterMap committed = membership.map();
        if (epoch <= committed.layout().epoch()) {
            return committed.layout().equals(proposed.layout()); // this one is committed already
        }
        if (staged != null && staged.proposed().layout().epoch() == epoch) {
            return staged.proposed().equals(proposed);
        }
        if (staged != null && staged.shard() != null) {
            staged.shard().close();
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

    /** Hands every key of the current (frozen) replica to the members of its shard in {@code proposed}. */
    boolean transfer(ClusterMap proposed) {
        LocalShard source;
        synchronized (this) {
            if (staged == null || !staged.proposed().equals(proposed)) {
                return false;
            }
            source = current;
        }
        if (source == null) {
            return true;
        }
        StateDelta snapshot = source.replica().changesSince(VectorClock.EMPTY);
        synchronized (this) {
            handedOver = snapshot.clock(); // read before the entries: writes after it are handed over late
        }
        List<StateDelta.KeyedEntry> all = snapshot.entries();
        boolean delivered = handOver(all, proposed);
        LOG.log(Level.INFO, "{0}: handed over {1} keys for layout e{2}: {3}", self, all.size(),
                proposed.layout().epoch(), delivered ? "done" : "incomplete");
        return delivered;
    }

    /** Drops a staged layout (the coordinator gave up) and lets client writes in again. */
    synchronized boolean abort(ClusterMap proposed) {
        if (staged != null && staged.proposed().equals(proposed)) {
            dropStaged();
        }
        return true;
    }

    private void dropStaged() {
        if (staged.shard() != null) {
            staged.shard().close();
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
            if (staged != null && staged.shard() != null && staged.shard().ref().equals(ref)) {
                target = staged.shard();
            } else if (current != null && current.ref().equals(ref)) {
                target = current;
            } else {
                return false;
            }
        }
        target.replica().importEntries(entries);
        return true;
    }

    /**
     * Sends each entry to every member of its shard in {@code layoutMap}. True when, for every
     * shard, at least one member took all of its entries.
     */
    private boolean handOver(List<StateDelta.KeyedEntry> entries, ClusterMap layoutMap) {
        Layout layout = layoutMap.layout();
        Map<Integer, List<StateDelta.KeyedEntry>> byShard = new HashMap<>();
        for (StateDelta.KeyedEntry entry : entries) {
            byShard.computeIfAbsent(layout.shardOf(entry.key()), s -> new ArrayList<>()).add(entry);
        }
        boolean complete = true;
        for (Map.Entry<Integer, List<StateDelta.KeyedEntry>> group : byShard.entrySet()) {
            ShardRef ref = new ShardRef(group.getKey(), layout.epoch());
            boolean someoneHasAll = false;
            for (NodeAddress member : layoutMap.shardMembers(group.getKey())) {
                someoneHasAll |= sendAll(member, ref, group.getValue());
            }
            complete &= someoneHasAll;
        }
        return complete;
    }

    private boolean sendAll(NodeAddress member, ShardRef ref, List<StateDelta.KeyedEntry> entries) {
        for (int from = 0; from < entries.size(); from += HANDOFF_BATCH) {
            List<StateDelta.KeyedEntry> batch = entries.subList(from, Math.min(entries.size(), from + HANDOFF_BATCH));
            try {
                boolean taken = member.equals(self) ? receiveHandoff(ref, batch) : client.handoff(member, ref, batch);
                if (!taken) {
                    return false;
                }
            } catch (PeerUnreachableException e) {
                return false;
            }
        }
        return true;
    }

    // ---- background --------------------------------------------------------------------------

    /** One round of background shard work: fetch state for a new replica, hand over late writes, expire. */
    void maintain() {
        LocalShard now = current;
        if (now != null && !now.isReady()) {
            fetchInitialState(now);
        }
        List<Retired> work;
        synchronized (this) {
            if (staged != null && membership.now() - staged.since() > STAGE_EXPIRY_NANOS) {
                LOG.log(Level.WARNING, "{0}: staged layout e{1} never committed; dropped", self, staged.proposed().layout().epoch());
                dropStaged();
            }
            retired.removeIf(r -> membership.now() - r.since() > RETIRE_NANOS);
            work = List.copyOf(retired);
        }
        for (Retired r : work) {
            ShardReplica old = r.shard().replica();
            List<StateDelta.KeyedEntry> late = old.writesSince(r.handedOver());
            if (!late.isEmpty()) {
                handOver(late, r.next());
            }
        }
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
        if (staged != null && staged.shard() != null) {
            staged.shard().close();
        }
    }
}
