package io.causalkv.keys;

import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.Layout;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.replication.LocalShard;
import io.causalkv.replication.ReplicaFrozenException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a key request is served (API.md 6.5): by the layers below, on this node's replica, when
 * it hosts the key's shard in the current layout and is ready; else by a member of the owning
 * shard, through the {@link MemberRelay}. A write that meets a replica frozen by a reshard waits
 * for the new layout and is routed again. Bounded by {@link #BUDGET}, plus the time the
 * dialect lets a request wait for its dependencies.
 */
public final class ShardRouting implements KeyStore {

    /** Everything a request for another shard may take: trying its members in turn (API.md 6.5). */
    public static final Duration BUDGET = Duration.ofMillis(4_500);

    private final Placement placement;
    private final MemberRelay relay;
    /** Routing's budget plus the dialect's dependency wait: what a request from a client may take. */
    private final Duration ownBudget;
    /** A request that may wait for its dependencies may spend its whole budget at one member (API.md 7.2). */
    private final boolean wholeBudgetPerMember;
    private final KeyStore local;

    /**
     * @param dependencyWait how long the dialect lets a request wait for its dependencies
     *        ({@code key-value-store}); such a request may also spend its whole budget at one member
     */
    public ShardRouting(Placement placement, MemberRelay relay, Duration dependencyWait, KeyStore local) {
        this.placement = placement;
        this.relay = relay;
        this.ownBudget = BUDGET.plus(dependencyWait);
        this.wholeBudgetPerMember = !dependencyWait.isZero();
        this.local = local;
    }

    @Override
    public KeyAnswer answer(KeyRequest request) {
        // A request that may wait for its dependencies gets that long on top of routing's budget
        // (kvs-keys fetches within routing's, to answer within 5 s: API.md 10.6); a relayed one
        // brings what is left of its sender's budget: never wait longer than that.
        Duration sender = request.received().timeout();
        Duration budget = sender.isZero() || sender.compareTo(ownBudget) > 0 ? ownBudget : sender;
        long deadline = System.nanoTime() + budget.toNanos();
        NodeAddress self = placement.self();
        while (true) {
            ClusterMap map = placement.map();
            Layout layout = map.layout();
            int shard = layout.shardOf(request.key());
            LocalShard here = placement.hosted();
            List<NodeAddress> members = map.shardMembers(shard);
            boolean hosted = here != null && here.ref().shard() == shard && here.ref().epoch() == layout.epoch();
            // A replica still fetching its shard must not answer from partial state (a 404 for an
            // existing key, or a write that an older version would then beat): the others answer.
            if (hosted && (here.isReady() || onlySelf(members, self))) {
                try {
                    return local.answer(request.servedAt(Hosted.member(here), deadline));
                } catch (ReplicaFrozenException e) {
                    if (!placement.awaitMoveFrom(here, deadline)) {
                        throw MemberRelay.shardUnavailable();
                    }
                    continue;
                }
            }
            if (!hosted && members.contains(self)) {
                // The map has moved this node to the shard a moment before the host follows it.
                if (System.nanoTime() > deadline) {
                    throw MemberRelay.shardUnavailable();
                }
                placement.awaitFollow(10);
                continue;
            }
            // An answer from this node's own shard (its replica still fetching) names no other shard.
            List<NodeAddress> others = new ArrayList<>(members);
            others.remove(self);
            return relay.relay(others, request.received(), deadline, wholeBudgetPerMember, !hosted);
        }
    }

    /** No member but this node (the list of others would be empty); checked without building it. */
    private static boolean onlySelf(List<NodeAddress> members, NodeAddress self) {
        return members.isEmpty() || (members.size() == 1 && members.get(0).equals(self));
    }
}
