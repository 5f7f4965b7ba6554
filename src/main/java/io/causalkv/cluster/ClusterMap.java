package io.causalkv.cluster;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The cluster's membership as one versioned value, spread by gossip. Every change makes a new
 * version; between two maps the higher version wins, and equal versions are ordered by the
 * proposer's address, so all nodes settle on the same map.
 *
 * @param version grows with every change
 * @param proposer the node that made this version ("" for the initial map from {@code VIEW})
 * @param members the view in cluster order (API.md 9.2)
 * @param departed nodes removed by a request (DELETE /view), which do not re-announce themselves;
 *                 a node removed by failure detection is not listed and rejoins when it can
 */
public record ClusterMap(long version, String proposer, List<NodeAddress> members, Set<NodeAddress> departed) {

    public ClusterMap {
        members = List.copyOf(new LinkedHashSet<>(members));
        departed = Set.copyOf(departed);
    }

    public static ClusterMap initial(List<NodeAddress> view) {
        return new ClusterMap(0, "", view, Set.of());
    }

    public boolean isMember(NodeAddress node) {
        return members.contains(node);
    }

    public boolean isNewerThan(ClusterMap other) {
        return version != other.version ? version > other.version : proposer.compareTo(other.proposer) > 0;
    }

    /** The next version with {@code node} appended to the cluster order (no change if present). */
    public ClusterMap withMember(NodeAddress node, NodeAddress proposedBy) {
        List<NodeAddress> next = new ArrayList<>(members);
        next.add(node);
        Set<NodeAddress> stillDeparted = new LinkedHashSet<>(departed);
        stillDeparted.remove(node);
        return new ClusterMap(version + 1, proposedBy.toString(), next, stillDeparted);
    }

    /** The next version without {@code node}; {@code byRequest} marks it as departed. */
    public ClusterMap withoutMember(NodeAddress node, boolean byRequest, NodeAddress proposedBy) {
        List<NodeAddress> next = new ArrayList<>(members);
        next.remove(node);
        Set<NodeAddress> nowDeparted = new LinkedHashSet<>(departed);
        if (byRequest) {
            nowDeparted.add(node);
        }
        return new ClusterMap(version + 1, proposedBy.toString(), next, nowDeparted);
    }
}
