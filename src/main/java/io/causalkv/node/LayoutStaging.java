package io.causalkv.node;

import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.replication.LocalShard;
import io.causalkv.replication.StateDelta;
import io.causalkv.transport.ReshardStep;
import java.lang.System.Logger.Level;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * The receiving side of a reshard on one node (STAGE, TRANSFER, ABORT and the hand-over): the
 * proposed layout it has prepared for, with an empty replica of its shard there that the old
 * layout's members fill, and the proposals abandoned lately. Everything here runs under the
 * {@link ShardHost}'s lock, which also decides which replica is current: a proposal's stage,
 * commit ({@link #takeCommitted}) and abort are seen in one order with the host's moves.
 */
final class LayoutStaging {

    /** A staged layout that is neither committed nor abandoned within this time is dropped. */
    static final long STAGE_EXPIRY_NANOS = 30_000_000_000L;
    private static final int ABORTED_KEPT = 8;
    private static final System.Logger LOG = System.getLogger(LayoutStaging.class.getName());

    private final NodeAddress self;
    private final Membership membership;
    private final ShardHost host;
    private final HandOver handOver;
    /** Guarded by {@link #host}. */
    private Staged staged;
    /**
     * Recently abandoned proposals (their ids), so that a STAGE arriving after its ABORT is
     * refused, and only that one: a retry proposes the same map under a new id. Guarded by {@link #host}.
     */
    private final LinkedHashSet<String> aborted = new LinkedHashSet<>();

    /** The replica staged for a proposed layout, if any. Called under {@link #host}'s lock. */
    Optional<ShardRef> stagedRef() {
        return staged == null || staged.shard == null ? Optional.empty() : Optional.of(staged.shard.ref());
    }

    /** A proposed layout this node has prepared for, with its replica there (null if unassigned). */
    private static final class Staged {
        final ClusterMap proposed;
        final LocalShard shard;
        final long since;
        /** The node that proposed it (the id's first part), or null if the id does not say. */
        final NodeAddress coordinator;
        /** Told to transfer: a participant, to which every other participant hands its keys. */
        boolean participant;
        /** The clock of this node's replica when its keys were handed over in full; null until then. */
        VectorClock handedOver;

        Staged(ClusterMap proposed, LocalShard shard, long since, String proposal) {
            this.proposed = proposed;
            this.shard = shard;
            this.since = since;
            this.coordinator = coordinatorOf(proposal);
        }

        private static NodeAddress coordinatorOf(String proposal) {
            int slash = proposal.indexOf('/');
            try {
                return slash > 0 ? NodeAddress.parse(proposal.substring(0, slash)) : null;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    /** What a committed (or superseded) stage leaves to the host when it follows {@code map}. */
    record Outcome(LocalShard next, VectorClock handedOver) {
        static final Outcome NONE = new Outcome(null, null);
    }

    LayoutStaging(NodeAddress self, Membership membership, ShardHost host, HandOver handOver) {
        this.self = self;
        this.membership = membership;
        this.host = host;
        this.handOver = handOver;
    }

    /**
     * Freezes client writes and prepares an empty replica of this node's shard in {@code proposed}.
     * False when another proposal for the same epoch is staged here: two reshards raced, and the
     * later one must give up rather than mix two layouts.
     */
    boolean stage(ClusterMap proposed, String proposal) {
        synchronized (host) {
            if (aborted.contains(proposal)) {
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
            LocalShard replica = shard == ClusterMap.NO_SHARD ? null : host.newShard(new ShardRef(shard, epoch), false);
            staged = new Staged(proposed, replica, membership.now(), proposal);
            LocalShard current = host.current();
            if (current != null) {
                current.replica().freeze();
            }
            LOG.log(Level.INFO, "{0}: staged layout e{1} ({2} shards)", self, epoch, proposed.layout().shardCount());
            return true;
        }
    }

    /**
     * Hands every key of the current (frozen) replica to every participant that is a member of
     * the key's shard in the proposed layout, if this node is its old shard's sender: it first
     * pulls from the shard's other participants what it lacks (they record what that covers, for
     * their late hand-over). A participant that is not the sender hands nothing over now. False
     * if a pull failed, if any target did not take all of its keys, or if this replica has not
     * fetched its own shard's state yet and cannot now.
     */
    boolean transfer(ReshardStep step) {
        ClusterMap proposed = step.proposed();
        List<NodeAddress> participants = step.participants();
        LocalShard source;
        Staged mine;
        synchronized (host) {
            if (staged == null || !staged.proposed.equals(proposed)) {
                return false;
            }
            mine = staged;
            mine.participant = true;
            source = host.current();
        }
        if (source == null) {
            return true;
        }
        if (!source.isReady() && !host.becomeReady(source)) {
            return false; // it might lack keys that only it would hand over
        }
        if (!step.sends(self)) {
            return true; // the sender pulls what this replica holds
        }
        long epoch = proposed.layout().epoch();
        for (NodeAddress peer : source.peers()) {
            if (participants.contains(peer) && !step.senders().isEmpty() && !source.antiEntropy().pullForHandOver(peer, epoch)) {
                LOG.log(Level.INFO, "{0}: could not pull {1}''s keys to hand them over", self, peer);
                return false;
            }
        }
        StateDelta snapshot = source.replica().changesSince(VectorClock.EMPTY, true);
        boolean delivered = handOver.deliver(snapshot.entries(), proposed, participants::contains);
        if (delivered) {
            synchronized (host) {
                mine.handedOver = snapshot.clock(); // read before the entries: later writes go over late
            }
        }
        LOG.log(Level.INFO, "{0}: handed over {1} keys for layout e{2}: {3}", self, snapshot.entries().size(),
                proposed.layout().epoch(), delivered ? "done" : "incomplete");
        return delivered;
    }

    /**
     * Records that this node's replica, up to {@code covered}, is being handed over by its old
     * shard's sender for the staged layout of {@code epoch}; its retired replica then hands over
     * only what came later. The sender's transfer fails if it does not get it all.
     */
    void pulledForHandOver(long epoch, VectorClock covered) {
        synchronized (host) {
            if (staged != null && staged.proposed.layout().epoch() == epoch) {
                staged.handedOver = covered;
            }
        }
    }

    /** Drops a staged layout (the coordinator gave up) and lets client writes in again. */
    boolean abort(ClusterMap proposed, String proposal) {
        synchronized (host) {
            if (staged != null && staged.proposed.equals(proposed)) {
                drop();
            }
            aborted.add(proposal);
            if (aborted.size() > ABORTED_KEPT) {
                aborted.remove(aborted.iterator().next());
            }
            return true;
        }
    }

    /**
     * Drops a staged layout that was neither committed nor abandoned in time, or whose coordinator
     * has failed (silent for failure detection's 3 s) without this node hearing of a commit: a
     * commit spreads with every heartbeat's map, so any node that adopted it would have passed it
     * on by then, and if none did, no one serves it. A node cut off from all of them drops the stage
     * too; when it hears of the commit later, its old replica hands over what it took meanwhile.
     */
    void expire() {
        synchronized (host) {
            if (staged == null) {
                return;
            }
            long now = membership.now();
            NodeAddress coordinator = staged.coordinator;
            boolean orphaned = coordinator != null && !coordinator.equals(self) && membership.health(coordinator).hasFailed(now);
            if (orphaned || now - staged.since > STAGE_EXPIRY_NANOS) {
                LOG.log(Level.WARNING, "{0}: staged layout e{1} never committed ({2}); dropped", self,
                        staged.proposed.layout().epoch(), orphaned ? "its coordinator " + coordinator + " failed" : "expired");
                drop();
            }
        }
    }

    /** The staged replica of {@code ref}, which hand-overs fill; null when none is staged for it. */
    LocalShard stagedFor(ShardRef ref) {
        synchronized (host) {
            return staged != null && staged.shard != null && staged.shard.ref().equals(ref) ? staged.shard : null;
        }
    }

    /**
     * Ends the stage once the host follows a map at or past its epoch: its replica is the next
     * one when the layout was committed and gives this node {@code wanted} (ready if this node
     * took part in the hand-over), and is closed otherwise. The caller holds the host's lock.
     */
    Outcome takeCommitted(ClusterMap map, ShardRef wanted) {
        if (staged == null || staged.proposed.layout().epoch() > map.layout().epoch()) {
            return Outcome.NONE;
        }
        boolean committed = staged.proposed.layout().equals(map.layout());
        LocalShard next = null;
        if (committed && staged.shard != null && staged.shard.ref().equals(wanted)) {
            next = staged.shard;
            if (staged.participant) {
                next.markReady(); // every participant handed its keys to it before the commit
            }
        } else if (staged.shard != null) {
            staged.shard.close();
        }
        Outcome outcome = new Outcome(next, committed ? staged.handedOver : null);
        staged = null;
        return outcome;
    }

    /** Closes the staged replica, if any (the node stops). The caller holds the host's lock. */
    void close() {
        if (staged != null && staged.shard != null) {
            staged.shard.close();
        }
    }

    private void drop() {
        if (staged.shard != null) {
            staged.shard.close();
        }
        staged = null;
        LocalShard current = host.current();
        if (current != null) {
            current.replica().unfreeze();
        }
        host.notifyAll(); // a write waiting out the frozen replica goes on
    }
}
