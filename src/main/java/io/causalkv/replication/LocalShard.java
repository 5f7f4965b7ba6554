package io.causalkv.replication;

import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.transport.PeerClient;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

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

    private final NodeAddress self;
    private final ShardReplica replica;
    private final Replicator replicator;
    private final AntiEntropy antiEntropy;
    private volatile List<NodeAddress> peers = List.of();
    private volatile boolean ready;

    public LocalShard(NodeAddress self, String replicaId, ShardRef ref, PeerClient client, Membership membership) {
        this.self = self;
        this.replica = new ShardReplica(replicaId, ref.shard(), ref.epoch());
        this.replicator = new Replicator(self, ref, client, membership);
        this.antiEntropy = new AntiEntropy(self, client, membership, replica, () -> peers, () -> ready);
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

    /** The shard's members changed: replicate to exactly the others. */
    public void membersAre(Collection<NodeAddress> members) {
        List<NodeAddress> others = new ArrayList<>(members);
        others.remove(self);
        peers = List.copyOf(others);
        replicator.replicateTo(others);
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
