package io.causalkv.node;

import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.replication.AntiEntropy;
import io.causalkv.replication.LocalShard;
import io.causalkv.replication.Receipt;
import io.causalkv.replication.StateDelta;
import io.causalkv.replication.Write;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerHandler;
import io.causalkv.transport.PeerOperation;
import io.causalkv.transport.Ping;
import io.causalkv.transport.PingReply;
import io.causalkv.transport.ReshardStep;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The receiving side of the peer protocol on one node: what each peer message does to this
 * node's membership and replica. Every transport delivers here (the peer servlet, the in-memory
 * network of the tests). A node outside a cluster refuses every message
 * ({@link Node.NotInClusterException}).
 */
final class PeerReceiver implements PeerHandler {

    private final Supplier<ClusterRuntime> cluster;

    /** @param cluster the node's cluster side; throws when the node is not in a cluster */
    PeerReceiver(Supplier<ClusterRuntime> cluster) {
        this.cluster = cluster;
    }

    @Override
    public PingReply onPing(Ping ping) {
        ClusterRuntime c = cluster.get();
        c.membership().learn(ping.from());
        c.membership().health(ping.from()).heardFrom(c.membership().now());
        c.membership().adopt(ping.map());
        c.observe(ping.from(), ping.status());
        return new PingReply(c.membership().map(), c.status());
    }

    @Override
    public Receipt onReplicate(NodeAddress from, ShardRef shard, List<Write> writes) {
        LocalShard here = cluster.get().host().current();
        if (here != null && here.ref().equals(shard)) {
            return here.replica().receive(writes);
        }
        // Not taken, so not acknowledged: writes of an older layout reach the new one through
        // their coordinator's hand-over, and writes of a layout this node has not adopted yet
        // are resent later.
        return Receipt.REFUSED;
    }

    @Override
    public Optional<StateDelta> onSync(PeerOperation.SyncRequest request) {
        LocalShard here = cluster.get().host().current();
        // Only a replica that has its shard's state may hand it out (a new one has not, yet).
        if (here != null && here.ref().equals(request.shard()) && here.isReady()) {
            boolean withImported = !request.holdsImported();
            StateDelta answer = request.pageEntries() == 0
                    ? here.replica().changesSince(request.since(), withImported)
                    : here.replica().changesSince(request.since(), withImported, request.after(),
                            Math.min(request.pageEntries(), AntiEntropy.PAGE_ENTRIES), PeerClient.BATCH_BYTES);
            if (request.handOverEpoch() > 0 && request.after() == null) {
                // The first page's clock is what the puller merges once it has every page.
                cluster.get().host().pulledForHandOver(request.handOverEpoch(), answer.clock());
            }
            return Optional.of(answer);
        }
        return Optional.empty();
    }

    @Override
    public ClusterMap onJoin(NodeAddress joiner) {
        ClusterRuntime c = cluster.get();
        c.add(joiner);
        return c.membership().map();
    }

    @Override
    public boolean onHandoff(ShardRef shard, List<StateDelta.KeyedEntry> entries) {
        return cluster.get().host().receiveHandoff(shard, entries);
    }

    @Override
    public boolean onReshard(ReshardStep step) {
        return cluster.get().onReshard(step);
    }

    @Override
    public int onKeyCount(ShardRef shard) {
        LocalShard here = cluster.get().host().current();
        return here != null && here.ref().equals(shard) && here.isReady() ? here.replica().liveKeyCount() : -1;
    }
}
