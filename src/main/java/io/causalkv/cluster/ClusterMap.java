package io.causalkv.cluster;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster's membership as a value that merges without conflicts, spread by gossip. Every
 * node ever known has an entry: its status, a version that grows with each change of that entry,
 * and a join stamp that gives the cluster order (API.md 9.2). Merging keeps, per node, the entry
 * with the higher version (a removal wins a tie), so concurrent changes at different nodes never
 * overwrite each other and every node settles on the same map. Only a node itself refutes its
 * removal, by re-joining with a higher version and a new stamp (it is appended again).
 */
public record ClusterMap(Map<NodeAddress, Member> entries) {

    public enum Status {
        ALIVE,
        /** Removed by failure detection: the node rejoins when it can reach the cluster again. */
        REMOVED,
        /** Removed by a request (DELETE /view): the node does not rejoin by itself. */
        DEPARTED
    }

    /** One node's entry. */
    public record Member(Status status, long version, long stamp) {

        /** True when this entry wins over {@code other} for the same node. */
        boolean beats(Member other) {
            if (version != other.version) {
                return version > other.version;
            }
            if (status != other.status) {
                return status.ordinal() > other.status.ordinal();
            }
            return stamp < other.stamp;
        }
    }

    public ClusterMap {
        entries = Map.copyOf(entries);
    }

    /** The map of a new cluster: the nodes of VIEW, in its order. */
    public static ClusterMap initial(List<NodeAddress> view) {
        Map<NodeAddress, Member> entries = new HashMap<>();
        for (int i = 0; i < view.size(); i++) {
            entries.put(view.get(i), new Member(Status.ALIVE, 0, i));
        }
        return new ClusterMap(entries);
    }

    /** The view: alive nodes in cluster order. */
    public List<NodeAddress> members() {
        return entries.entrySet().stream()
                .filter(e -> e.getValue().status() == Status.ALIVE)
                .sorted(Comparator.comparingLong((Map.Entry<NodeAddress, Member> e) -> e.getValue().stamp())
                        .thenComparing(e -> e.getKey().toString()))
                .map(Map.Entry::getKey)
                .toList();
    }

    public boolean isMember(NodeAddress node) {
        Member member = entries.get(node);
        return member != null && member.status() == Status.ALIVE;
    }

    public Member entry(NodeAddress node) {
        return entries.get(node);
    }

    /** Per node, the winning entry of the two maps. */
    public ClusterMap merge(ClusterMap other) {
        Map<NodeAddress, Member> merged = new HashMap<>(entries);
        other.entries.forEach((node, theirs) -> merged.merge(node, theirs, (mine, t) -> t.beats(mine) ? t : mine));
        return merged.equals(entries) ? this : new ClusterMap(merged);
    }

    /** {@code node} joins (or rejoins): alive, appended to the cluster order. No change if alive. */
    public ClusterMap withMember(NodeAddress node) {
        Member current = entries.get(node);
        if (current != null && current.status() == Status.ALIVE) {
            return this;
        }
        long version = current == null ? 0 : current.version() + 1;
        return with(node, new Member(Status.ALIVE, version, maxStamp() + 1));
    }

    /** {@code node} leaves the view; {@code byRequest} makes it departed rather than removed. */
    public ClusterMap withoutMember(NodeAddress node, boolean byRequest) {
        Member current = entries.get(node);
        if (current == null || current.status() != Status.ALIVE) {
            return this;
        }
        return with(node, new Member(byRequest ? Status.DEPARTED : Status.REMOVED, current.version() + 1, current.stamp()));
    }

    private ClusterMap with(NodeAddress node, Member member) {
        Map<NodeAddress, Member> next = new HashMap<>(entries);
        next.put(node, member);
        return new ClusterMap(next);
    }

    private long maxStamp() {
        return entries.values().stream().mapToLong(Member::stamp).max().orElse(-1);
    }
}
