package io.causalkv.node;

import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.replication.LocalShard;
import io.causalkv.replication.ShardReplica;
import io.causalkv.replication.StateDelta;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The replicas this node no longer serves (it left their shard, or their layout was replaced),
 * kept for a few seconds, frozen, handing over to the current owners of their keys the writes
 * that reached them late or that only they held, so that none is lost ({@link ShardHost} retires
 * them; its maintenance round calls {@link #handOverLate}).
 */
final class RetiredShards {

    /** A retired replica is kept at least this long, handing over writes that reach it late. */
    static final long RETIRE_NANOS = 8_000_000_000L;
    /** ... and at most this long when its late writes cannot be handed over (their owners are down). */
    static final long RETIRE_CAP_NANOS = 60_000_000_000L;

    private static final System.Logger LOG = System.getLogger(RetiredShards.class.getName());

    private final NodeAddress self;
    private final Membership membership;
    private final HandOver handOver;
    private final List<Retired> retired = new ArrayList<>();

    private static final class Retired {
        final LocalShard shard;
        final long since;
        /** Covers what has been handed over; {@code imported} says whether imported entries were too. */
        VectorClock handedOver;
        boolean imported;

        Retired(LocalShard shard, VectorClock handedOver, long since) {
            this.shard = shard;
            this.handedOver = handedOver == null ? VectorClock.EMPTY : handedOver;
            this.imported = handedOver != null;
            this.since = since;
        }
    }

    RetiredShards(NodeAddress self, Membership membership, HandOver handOver) {
        this.self = self;
        this.membership = membership;
        this.handOver = handOver;
    }

    /**
     * Stops serving {@code old}: frozen, its senders closed. It stays, handing over to the
     * current owners of its keys whatever {@code handedOver} (null: nothing yet) does not cover.
     */
    void retire(LocalShard old, VectorClock handedOver) {
        old.replica().freeze();
        old.close();
        synchronized (this) {
            retired.add(new Retired(old, handedOver, membership.now()));
        }
    }

    /** The retired replicas still kept (their logs stay until they go). */
    synchronized Set<ShardRef> refs() {
        Set<ShardRef> refs = new HashSet<>();
        retired.forEach(r -> refs.add(r.shard.ref()));
        return refs;
    }

    /** Hands every retired replica's late writes to their current owners; drops those done or too old. */
    void handOverLate() {
        List<Retired> work;
        synchronized (this) {
            work = List.copyOf(retired);
        }
        work.forEach(this::handOverLate);
    }

    private void handOverLate(Retired r) {
        ShardReplica old = r.shard.replica();
        VectorClock clock = old.applied(); // read before the scan: anything newer is sent next round
        List<StateDelta.KeyedEntry> late = old.writesSince(r.handedOver, !r.imported);
        long age = membership.now() - r.since;
        boolean delivered = late.isEmpty() || handOver.deliver(late, membership.map(), member -> true);
        if (delivered) {
            r.handedOver = clock;
            r.imported = true;
        }
        if ((late.isEmpty() && age > RETIRE_NANOS) || age > RETIRE_CAP_NANOS) {
            if (!late.isEmpty()) {
                LOG.log(Level.WARNING, "{0}: {1} late writes of {2} could not be handed over", self, late.size(), old.ref());
            }
            synchronized (this) {
                retired.remove(r);
            }
        }
    }
}
