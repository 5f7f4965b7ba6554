package io.causalkv.replication;

import io.causalkv.cluster.Layout;
import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.transport.PeerClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * This node's membership of one shard in one layout epoch: its replica, the senders that
 * replicate its writes to the other members, and anti-entropy with them. A node hosts at most
 * one current shard; a reshard or add-member replaces it with a new one.
 *
 * <p>A shard joined while the cluster runs (add-member, a rejoin, a reshard this node missed)
 * starts empty and is not {@link #isReady() ready} until it has fetched the shard's state from
 * a member; until then requests for it are served by the other members.
 */
public final class LocalShard implements AutoCloseable {

    /**
     * How long after its holders change (or, past the first layout, after it is created) a
     * replica collects no tombstone: as long as a retired replica may still hand over writes
     * that reached it late (RetiredShards), and one of those could lose to a delete.
     */
    public static final long HOLDERS_QUIET_NANOS = 60_000_000_000L;

    /**
     * The other nodes that hold a place in the shard (members, and members removed by failure
     * detection, which may come back with what they have), and until when tombstones stay.
     */
    public record Holders(Set<NodeAddress> others, long quietUntilNanos) {
    }

    private final NodeAddress self;
    private final Membership membership;
    private final ShardReplica replica;
    private final Replicator replicator;
    private final AntiEntropy antiEntropy;
    private volatile List<NodeAddress> peers = List.of();
    private volatile Holders holders;
    private volatile boolean ready;

    public LocalShard(NodeAddress self, String replicaId, ShardRef ref, PeerClient client, Membership membership) {
        this.self = self;
        this.membership = membership;
        this.replica = new ShardReplica(replicaId, ref.shard(), ref.epoch());
        this.replicator = new Replicator(self, ref, client, membership);
        this.antiEntropy = new AntiEntropy(self, client, membership, replica, () -> peers, () -> ready, () -> holders);
        // The first layout follows none: no retired replica can hand over into it.
        long quiet = ref.epoch() > Layout.REPLICATED.epoch() ? HOLDERS_QUIET_NANOS : 0;
        this.holders = new Holders(null, membership.now() + quiet);
    }

    public ShardRef ref() {
        return replica.ref();
    }

    public ShardReplica replica() {
        return replica;
    }

    public Replicator replicator() {
        return replicator;
    }

    public AntiEntropy antiEntropy() {
        return antiEntropy;
    }

    /** The other members of the shard, in cluster order. */
    public List<NodeAddress> peers() {
        return peers;
    }

    /**
     * The shard's members changed: replicate to exactly the others. {@code holders} are the
     * nodes that keep a place in it (ClusterMap#shardHolders), the members among them.
     */
    public void membersAre(Collection<NodeAddress> members, Collection<NodeAddress> holders) {
        List<NodeAddress> others = new ArrayList<>(members);
        others.remove(self);
        peers = List.copyOf(others);
        replicator.replicateTo(others);
        Set<NodeAddress> holding = new LinkedHashSet<>(holders);
        holding.addAll(others);
        holding.remove(self);
        Holders before = this.holders;
        if (before.others() == null) {
            this.holders = new Holders(Set.copyOf(holding), before.quietUntilNanos());
        } else if (!before.others().equals(holding)) {
            this.holders = new Holders(Set.copyOf(holding), membership.now() + HOLDERS_QUIET_NANOS);
        }
    }

    public boolean isReady() {
        return ready;
    }

    public void markReady() {
        ready = true;
    }

    public ShardStatus status() {
        return ShardStatus.of(replica, ready);
    }

    @Override
    public void close() {
        replicator.close();
    }
}
