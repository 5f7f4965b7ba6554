package io.causalkv.node;

import io.causalkv.cluster.ClusterIdentity;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.replication.AntiEntropy;
import io.causalkv.replication.LocalShard;
import io.causalkv.replication.Receipt;
import io.causalkv.replication.ShardStatus;
import io.causalkv.replication.StateDelta;
import io.causalkv.replication.Write;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerHandler;
import io.causalkv.transport.PeerOperation;
import io.causalkv.transport.Ping;
import io.causalkv.transport.PingReply;
import io.causalkv.transport.ReshardStep;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The receiving side of the peer protocol on one node: what each peer message does to this
 * node's membership and replica. Every transport delivers here (the peer servlet, the in-memory
 * network of the tests). A node outside a cluster refuses every message
 * ({@link Node.NotInClusterException}).
 */
final class PeerReceiver implements PeerHandler {

    /** How long a replication answer waits for a pull of the writes the receiver lacks before them. */
    private static final long GAP_PULL_WAIT_MILLIS = 150;

    private final Supplier<ClusterRuntime> cluster;

    /** @param cluster the node's cluster side; throws when the node is not in a cluster */
    PeerReceiver(Supplier<ClusterRuntime> cluster) {
        this.cluster = cluster;
    }

    @Override
    public PingReply onPing(Ping ping) {
        ClusterRuntime c = cluster.get();
        ClusterIdentity identity = c.membership().identity();
        ClusterMap mine = c.membership().map();
        // A ping without its map: the sender had this node's map when it last heard from it. The
        // same digest means the same map; another one (this map changed since, or this node
        // restarted) is answered with the whole map, and the sender sends its own next time.
        boolean sameMap = ping.map() == null && ping.mapDigest() == mine.digest();
        // Without its map: the same map shares this one's nodes; another digest shares nothing
        // known (the sender's memory of this node may be stale: this node restarted, perhaps into
        // another cluster), so the cluster ids alone decide, as for a stranger's map.
        boolean shared = ping.map() == null ? sameMap && ClusterIdentity.shareNodes(mine, mine, c.self(), ping.from())
                : ClusterIdentity.shareNodes(mine, ping.map(), c.self(), ping.from());
        switch (identity.meet(ping.cluster(), shared)) {
            case FOREIGN -> {
                // Another cluster's node (a wrong VIEW): nothing of either map goes to the other.
                return new PingReply(new ClusterMap(Map.of()), ShardStatus.NONE, identity.current());
            }
            case ANSWER_ONLY -> {
                // A node still starting with an id of its own: it takes ours from this answer.
                return new PingReply(c.membership().map(), c.status(), identity.current());
            }
            case SAME -> {
                // below
            }
        }
        c.membership().learn(ping.from());
        c.membership().health(ping.from()).heardFrom(c.membership().now());
        c.failureDetector().probeSoon(ping.from());
        if (ping.map() != null) {
            c.membership().adopt(ping.map());
        }
        c.observe(ping.from(), ping.status());
        ClusterMap now = c.membership().map();
        return sameMap && now.digest() == ping.mapDigest()
                ? PingReply.sameMap(ping.mapDigest(), c.status(), identity.current())
                : new PingReply(now, c.status(), identity.current());
    }

    @Override
    public Receipt onReplicate(PeerOperation.Replication replication) {
        NodeAddress from = replication.from();
        List<Write> writes = replication.writes();
        ShardRef shard = replication.shard();
        ClusterRuntime c = cluster.get();
        c.failureDetector().probeSoon(from);
        LocalShard here = c.host().current();
        if (here != null && here.ref().equals(shard)) {
            // API.md 10.3 at the receiving end: the writes this node missed while cut off from the
            // sender are held unseen while their contact is not stable again (the maintenance
            // round shows them later), and count as held for the sender's acknowledgement all the
            // same. Writes made since go to the replica, behind the held ones: they must not
            // show them early.
            boolean reconnecting = c.membership().health(from).isReconnecting(c.membership().now());
            Receipt receipt = !reconnecting ? here.replica().receiveFrom(from, writes)
                    : replication.missed() ? here.replica().stage(from, writes) : here.replica().receive(writes);
            if (receipt.accepted() && !writes.isEmpty() && receipt.held() < writes.get(writes.size() - 1).dot().seq()) {
                // Writes it lacks before these: pulled from the sender now, and if they come
                // within a short wait, this answer already counts these as held (the sender's
                // client is waiting for it, up to 200 ms).
                awaitBriefly(c.inBackground(() -> here.antiEntropy().fillGapFrom(from)));
                receipt = here.replica().receipt(receipt.accepted(), writes);
            }
            // Applied writes counted as held are on this node's disk too (issue 18); writes held
            // unseen or buffered are not logged (the origin has them, and resends them).
            here.replica().awaitDurable();
            return receipt;
        }
        // Not taken, so not acknowledged: writes of an older layout reach the new one through
        // their coordinator's hand-over, and writes of a layout this node has not adopted yet
        // are resent later.
        return Receipt.REFUSED;
    }

    private static void awaitBriefly(CompletableFuture<Void> work) {
        try {
            work.get(GAP_PULL_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // it goes on in the background; the sender's next batch learns of it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
