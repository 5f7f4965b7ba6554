package io.causalkv.node;

import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.PeerHealth;
import io.causalkv.cluster.ShardRef;
import io.causalkv.keys.Forwarding;
import io.causalkv.keys.KeyAnswer;
import io.causalkv.keys.MemberRelay;
import io.causalkv.keys.ShardRouting;
import io.causalkv.replication.LocalShard;
import io.causalkv.replication.ShardStatus;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerRequest;
import io.causalkv.transport.PeerResponse;
import io.causalkv.transport.PeerUnreachableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The view and shard operations of a cluster node, the same for every dialect (API.md 6.6, 6.7,
 * 7.3, 7.4, 8.3 to 8.5): what the cluster looks like, add-member, reshard and view change.
 */
public final class ShardOperations {

    private final ClusterRuntime cluster;
    private final PeerClient peers;
    private final Resharder resharder;
    private final MemberRelay relay;

    ShardOperations(ClusterRuntime cluster, PeerClient peers, Resharder resharder, MemberRelay relay) {
        this.cluster = cluster;
        this.peers = peers;
        this.resharder = resharder;
        this.relay = relay;
    }

    public List<NodeAddress> view() {
        return cluster.membership().map().members();
    }

    public ViewChange addToView(NodeAddress node) {
        return cluster.add(node);
    }

    public ViewChange removeFromView(NodeAddress node) {
        return cluster.remove(node);
    }

    /** The current cluster map: layout, members and shards. */
    public ClusterMap clusterMap() {
        return cluster.membership().map();
    }

    public List<Integer> shardIds() {
        return clusterMap().shardIds();
    }

    /** This node's shard id, empty when it is unassigned. */
    public Optional<Integer> nodeShardId() {
        int shard = clusterMap().shardOf(cluster.self());
        return shard == ClusterMap.NO_SHARD ? Optional.empty() : Optional.of(shard);
    }

    public List<NodeAddress> shardMembers(int shard) {
        ClusterMap map = clusterMap();
        requireShard(map, shard);
        return map.shardMembers(shard);
    }

    /** Live keys of a shard: counted here by a member, else asked of a member (API.md 6.7). */
    public int shardKeyCount(int shard) {
        ClusterMap map = clusterMap();
        requireShard(map, shard);
        ShardRef ref = new ShardRef(shard, map.layout().epoch());
        LocalShard here = cluster.host().current();
        if (here != null && here.ref().equals(ref) && here.isReady()) {
            return here.replica().liveKeyCount();
        }
        long deadline = System.nanoTime() + ShardRouting.BUDGET.toNanos();
        for (NodeAddress member : map.shardMembers(shard)) {
            if (member.equals(cluster.self()) || System.nanoTime() > deadline) {
                continue;
            }
            try {
                int count = peers.keyCount(member, ref);
                if (count >= 0) {
                    return count;
                }
            } catch (PeerUnreachableException e) {
                // try the next member
            }
        }
        throw new ShardRequestRejected(ShardRequestRejected.Reason.SHARD_UNAVAILABLE);
    }

    /** Puts a node of the view into a shard (API.md 6.7); it then fetches the shard's state. */
    public void addShardMember(int shard, NodeAddress node) {
        ClusterMap map = clusterMap();
        requireShard(map, shard);
        if (!map.isMember(node)) {
            throw new ShardRequestRejected(ShardRequestRejected.Reason.NODE_NOT_IN_VIEW);
        }
        int current = map.shardOf(node);
        if (current != ClusterMap.NO_SHARD && current != shard) {
            throw new ShardRequestRejected(ShardRequestRejected.Reason.NODE_IN_OTHER_SHARD);
        }
        ClusterMap after = cluster.membership().propose(m -> m.withShardMember(node, shard));
        if (after.shardOf(node) != shard) {
            addShardMember(shard, node); // the map changed meanwhile: check again, and refuse if need be
        }
    }

    /** Reshards into {@code shardCount} shards (API.md 6.7, 9.4); answers once the new layout is committed. */
    public void reshard(int shardCount) {
        ClusterMap map = clusterMap();
        if ((long) map.members().size() < 2L * shardCount) {
            throw new ShardRequestRejected(ShardRequestRejected.Reason.NOT_ENOUGH_NODES);
        }
        switch (resharder.reshard(shardCount)) {
            case DONE -> { }
            case CONFLICT -> throw new ShardRequestRejected(ShardRequestRejected.Reason.RESHARD_CONFLICT);
            case UNAVAILABLE -> throw new ShardRequestRejected(ShardRequestRejected.Reason.SHARD_UNAVAILABLE);
        }
    }

    /**
     * Replaces the view and layout ({@code kvs-keys}, API.md 8.5) and answers with the final
     * count of every shard once every key has moved. {@code replFactor} empty keeps the
     * cluster's factor (none: unreplicated mode). A node outside the current view relays the
     * request to a member: then the result is that member's answer.
     */
    public ViewChangeResult changeView(List<NodeAddress> view, Optional<Integer> replFactor, PeerRequest request) {
        ClusterMap map = clusterMap();
        if (!map.isMember(cluster.self()) && request.hops() == 0) {
            // A view change is not idempotent: one member gets it, with the whole budget, never a second.
            KeyAnswer.Relayed relayed = relay.relayOnce(map.members(), request, System.nanoTime() + Forwarding.TIMEOUT.toNanos());
            return new ViewChangeResult(List.of(), relayed.response());
        }
        int factor = replFactor.orElse(map.layout().replFactor());
        switch (resharder.changeView(view, factor)) {
            case DONE -> { }
            case CONFLICT -> throw new ShardRequestRejected(ShardRequestRejected.Reason.RESHARD_CONFLICT);
            case UNAVAILABLE -> throw new ShardRequestRejected(ShardRequestRejected.Reason.SHARD_UNAVAILABLE);
        }
        ClusterMap after = clusterMap();
        List<ShardSummary> shards = new ArrayList<>();
        for (int shard : after.shardIds()) {
            shards.add(new ShardSummary(shard, after.shardMembers(shard), countAfterMove(shard)));
        }
        return new ViewChangeResult(shards, null);
    }

    /** What a view change did: the new shards, or a member's answer when it was relayed there. */
    public record ViewChangeResult(List<ShardSummary> shards, PeerResponse relayed) {
    }

    /**
     * A shard's count right after a move, bounded (the view change answers within 5 s): asked of
     * a member, else as the member's last heartbeat reported it. The move is committed by now, so
     * a slow member must not turn it into an error.
     */
    private int countAfterMove(int shard) {
        try {
            return shardKeyCount(shard);
        } catch (ShardRequestRejected unavailable) {
            ShardRef ref = new ShardRef(shard, clusterMap().layout().epoch());
            return cluster.peerStatus().values().stream()
                    .filter(status -> ref.equals(status.shard()))
                    .mapToInt(ShardStatus::liveKeys)
                    .max()
                    .orElse(0);
        }
    }

    /**
     * Every node of the view with its shard, state and key count, then the nodes failure
     * detection removed (down), for the admin page.
     */
    public List<NodeStatus> nodeStatuses() {
        ClusterRuntime c = cluster;
        ClusterMap map = c.membership().map();
        Map<NodeAddress, ShardStatus> reports = c.peerStatus();
        long now = c.membership().now();
        List<NodeStatus> statuses = new ArrayList<>();
        for (NodeAddress node : map.members()) {
            int shard = map.shardOf(node);
            ShardStatus report = node.equals(c.self()) ? c.status() : reports.get(node);
            int keys = report == null || report.shard() == null ? -1 : report.liveKeys();
            NodeStatus.State state;
            if (shard == ClusterMap.NO_SHARD) {
                state = NodeStatus.State.UNASSIGNED;
            } else if (node.equals(c.self())) {
                state = NodeStatus.State.UP;
            } else {
                PeerHealth.Status health = c.membership().health(node).status(now);
                state = health == PeerHealth.Status.UP ? NodeStatus.State.UP
                        : health == PeerHealth.Status.DOWN ? NodeStatus.State.DOWN : NodeStatus.State.SUSPECTED;
            }
            boolean stable = node.equals(c.self()) || c.membership().isStable(node);
            statuses.add(new NodeStatus(node, shard, state, keys, stable));
        }
        // Nodes removed by failure detection are out of the view, but an operator wants to see them:
        // down, with the shard they would return to, after the view's nodes.
        map.entries().forEach((node, entry) -> {
            if (entry.status() == ClusterMap.Status.REMOVED) {
                statuses.add(new NodeStatus(node, map.assignedShard(node), NodeStatus.State.DOWN, -1, false));
            }
        });
        return statuses;
    }

    /** How many of this node's peers in the view are in each state (for /metrics). */
    public Map<NodeStatus.State, Integer> peerStates() {
        Map<NodeStatus.State, Integer> peers = new java.util.EnumMap<>(NodeStatus.State.class);
        for (NodeStatus status : nodeStatuses()) {
            if (!status.address().equals(cluster.self()) && cluster.membership().map().isMember(status.address())) {
                peers.merge(status.state(), 1, Integer::sum);
            }
        }
        return peers;
    }

    private static void requireShard(ClusterMap map, int shard) {
        if (!map.layout().hasShard(shard)) {
            throw new ShardRequestRejected(ShardRequestRejected.Reason.SHARD_NOT_FOUND);
        }
    }
}
