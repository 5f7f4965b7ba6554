package io.causalkv.node;

import io.causalkv.causal.CausalContext;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.Layout;
import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.replication.LocalShard;
import io.causalkv.replication.ReplicaFrozenException;
import io.causalkv.replication.Replicator;
import io.causalkv.replication.ShardReplica;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerRequest;
import io.causalkv.transport.PeerUnreachableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where a key request is served (API.md 6.5): here, when this node hosts the key's shard in the
 * current layout and its replica is ready, else at a member of the owning shard, tried in turn
 * within a time budget. Also applies a dialect's {@link DependencyPolicy} on the serving replica.
 */
final class KeyRouter {

    /** Everything a request for another shard may take: trying its members in turn (API.md 6.5). */
    static final Duration PROXY_BUDGET = Duration.ofMillis(4_500);

    /**
     * A request is relayed at most this many times: once normally, once more when the receiving
     * member has already moved to a newer layout. Bounds loops while nodes disagree on the layout.
     */
    static final int MAX_HOPS = 2;

    private final PeerClient peers;
    /** The store of a standalone node; null in a cluster. */
    private final ShardReplica standalone;
    /** The cluster side; null on a standalone node. */
    private final ClusterRuntime cluster;

    KeyRouter(PeerClient peers, ShardReplica standalone, ClusterRuntime cluster) {
        this.peers = peers;
        this.standalone = standalone;
        this.cluster = cluster;
    }

    /** An operation on the replica that owns the key. */
    @FunctionalInterface
    interface LocalOperation {
        KeyResult apply(Owner owner);
    }

    /**
     * The replica serving a request here: its replicator (null on a standalone node), its shard
     * membership (null on a standalone node), and when waiting for dependencies must end.
     */
    record Owner(ShardReplica replica, Replicator replicator, LocalShard shard, long dependencyDeadline,
                         Membership membership) {

        /** Applies the dialect's rule (API.md 4.4): at once, waiting, or fetching from the shard's peers. */
        boolean dependenciesMet(CausalContext context, DependencyPolicy policy) {
            if (membership == null || replica.satisfies(context)) {
                return true; // a standalone node is the only replica: nothing can be missing
            }
            return switch (policy.kind()) {
                case REFUSE -> false;
                case WAIT -> replica.awaitSatisfied(context, dependencyDeadline);
                case ACCEPT_WRITES -> fetched(context);
            };
        }

        /** Pulls from the shard's reachable peers until the replica satisfies {@code context}, within the deadline. */
        private boolean fetched(CausalContext context) {
            return shard != null && shard.antiEntropy().catchUp(() -> replica.satisfies(context), dependencyDeadline);
        }
    }

    /**
     * Runs {@code operation} here when this node hosts the key's shard, else relays the request
     * to the shard's members in turn (API.md 6.5). A write that meets a replica frozen by a
     * reshard waits for the new layout and is routed again. Bounded by {@link #PROXY_BUDGET}.
     */
    KeyResult onOwner(String key, PeerRequest request, DependencyPolicy policy, LocalOperation operation) {
        if (cluster == null) {
            return operation.apply(new Owner(standalone, null, null, System.nanoTime(), null));
        }
        // A request that may wait for its dependencies gets that long on top of routing's budget
        // (kvs-keys fetches within routing's, to answer within 5 s: API.md 10.6); a relayed one
        // brings what is left of its sender's budget: never wait longer than that.
        Duration own = policy.kind() == DependencyPolicy.Kind.WAIT ? PROXY_BUDGET.plus(policy.bound()) : PROXY_BUDGET;
        Duration budget = request.timeout().isZero() || request.timeout().compareTo(own) > 0 ? own : request.timeout();
        long deadline = System.nanoTime() + budget.toNanos();
        NodeAddress self = cluster.self();
        while (true) {
            ClusterMap map = cluster.membership().map();
            Layout layout = map.layout();
            int shard = layout.shardOf(key);
            LocalShard here = cluster.host().current();
            List<NodeAddress> members = map.shardMembers(shard);
            boolean hosted = here != null && here.ref().shard() == shard && here.ref().epoch() == layout.epoch();
            // A replica still fetching its shard must not answer from partial state (a 404 for an
            // existing key, or a write that an older version would then beat): the others answer.
            if (hosted && (here.isReady() || onlySelf(members, self))) {
                try {
                    return operation.apply(new Owner(here.replica(), here.replicator(), here,
                            Math.min(deadline, System.nanoTime() + policy.bound().toNanos()), cluster.membership()));
                } catch (ReplicaFrozenException e) {
                    if (!cluster.host().awaitMoveFrom(here, deadline)) {
                        throw shardUnavailable();
                    }
                    continue;
                }
            }
            if (!hosted && members.contains(self)) {
                // The map has moved this node to the shard a moment before the host follows it.
                if (System.nanoTime() > deadline) {
                    throw shardUnavailable();
                }
                cluster.host().awaitFollow(10);
                continue;
            }
            // A waiting dialect's request may spend its whole budget at one member (API.md 7.2);
            // and an answer from this node's own shard (its replica still fetching) names no other shard.
            List<NodeAddress> others = new ArrayList<>(members);
            others.remove(self);
            return relay(others, request, deadline, policy.kind() == DependencyPolicy.Kind.WAIT, hosted);
        }
    }

    /** No member but this node (the list of others would be empty); checked without building it. */
    private static boolean onlySelf(List<NodeAddress> members, NodeAddress self) {
        return members.isEmpty() || (members.size() == 1 && members.get(0).equals(self));
    }

    /** Relays a client request to the members of its shard in turn, reachable ones first. */
    KeyResult relay(List<NodeAddress> members, PeerRequest request, long deadline) {
        return relay(members, request, deadline, false, false);
    }

    private KeyResult relay(List<NodeAddress> members, PeerRequest request, long deadline, boolean wholeBudget,
                            boolean ownShard) {
        if (request.hops() >= MAX_HOPS) {
            throw shardUnavailable();
        }
        List<NodeAddress> order = reachableFirst(members);
        // A write goes to one member at most: another member is tried only when this one
        // certainly never got it (no connection). A slow member that got it would apply it after
        // the next member had, and the client's one write would be two versions (the second
        // answered 200 "replaced" for a new key, or beating a concurrent write of another client).
        // So a write gives its first member the whole budget; if that member stays silent the
        // answer is 503, and the member refuses the request should it read it after the budget.
        boolean once = !"GET".equals(request.method());
        for (int i = 0; i < order.size(); i++) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            // A read leaves time for the members after this one, should this one be silent.
            long share = wholeBudget || once ? left : Math.max(Math.min(left, 1_000_000_000L), left / (order.size() - i));
            try {
                return KeyResult.relayed(peers.relay(order.get(i), new PeerRequest(request.method(), request.rawPath(),
                        request.body(), Duration.ofNanos(share), request.hops() + 1)), ownShard ? null : order.get(i));
            } catch (PeerUnreachableException e) {
                // Not a health verdict: the member may just be slow (a write waiting out a
                // reshard). The failure detector decides who is down.
                if (once && e.mayHaveArrived()) {
                    break;
                }
            }
        }
        throw shardUnavailable();
    }

    /** Relays a request that must not be repeated to the first reachable member, with all the time left. */
    KeyResult relayOnce(List<NodeAddress> members, PeerRequest request, long deadline) {
        List<NodeAddress> order = reachableFirst(members);
        return relay(order.isEmpty() ? order : order.subList(0, 1), request, deadline, true, false);
    }

    private List<NodeAddress> reachableFirst(List<NodeAddress> members) {
        List<NodeAddress> order = new ArrayList<>(members);
        order.sort(Comparator.comparing(peer -> !cluster.membership().health(peer).isReachable()));
        return order;
    }

    static KeyRequestRejected shardUnavailable() {
        return new KeyRequestRejected(KeyRequestRejected.Reason.SHARD_UNAVAILABLE, CausalContext.EMPTY);
    }
}
