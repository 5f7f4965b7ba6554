package io.causalkv.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The cluster's membership and layout as a value that merges without conflicts, spread by
 * gossip. The {@link Layout} (epoch, shard count) is replaced whole: the higher epoch wins.
 * Every node ever known has an entry: its status, its shard in a given layout epoch, a version
 * that grows with each change of that entry, and a join stamp that gives the cluster order
 * (API.md 9.2). Merging keeps, per node, the entry with the higher version, so concurrent
 * changes of different nodes (an add-member here, a failure there) never overwrite each other
 * and every node settles on the same map. Only a node itself refutes its removal, by re-joining
 * with a higher version and a new stamp (it is appended again, and keeps its shard).
 *
 * <p>A node belongs to a shard only while it is alive and its entry names the current epoch:
 * a node removed by failure detection keeps its place in the layout and rejoins its shard when
 * it comes back, unless a reshard has happened since (API.md 9.6).
 */
public final class ClusterMap {

    public enum Status {
        ALIVE,
        /** Removed by failure detection: the node rejoins when it can reach the cluster again. */
        REMOVED,
        /** Removed by a request (DELETE /view): the node does not rejoin by itself. */
        DEPARTED
    }

    /**
     * The epoch of a cluster started sharded. It follows the replicated layout's epoch, so a
     * replica group of a replicated cluster and shard 1 of a sharded one never share a name.
     */
    public static final long FIRST_SHARDED_EPOCH = 2;

    /** No shard: the node is unassigned (or the cluster is replicated, where shards are implied). */
    public static final int NO_SHARD = 0;

    /** One node's entry; {@code shard} counts only when {@code shardEpoch} is the layout's epoch. */
    public record Member(Status status, long version, long stamp, int shard, long shardEpoch) {

        public Member(Status status, long version, long stamp) {
            this(status, version, stamp, NO_SHARD, 0);
        }

        /**
         * True when this entry wins over {@code other} for the same node. At equal versions a
         * departure (a client's DELETE /view) wins over anything; then the newer layout's
         * assignment, so that a reshard is not undone by a concurrent, possibly mistaken, failure
         * verdict (the failure detector removes a node that is really down again).
         */
        boolean beats(Member other) {
            if (version != other.version) {
                return version > other.version;
            }
            if ((status == Status.DEPARTED) != (other.status == Status.DEPARTED)) {
                return status == Status.DEPARTED;
            }
            if (shardEpoch != other.shardEpoch) {
                return shardEpoch > other.shardEpoch;
            }
            if (status != other.status) {
                return status.ordinal() > other.status.ordinal();
            }
            if (stamp != other.stamp) {
                return stamp < other.stamp;
            }
            return shard > other.shard;
        }

        Member assigned(int newShard, long epoch) {
            return new Member(status, version + 1, stamp, newShard, epoch);
        }
    }

    private final Layout layout;
    private final Map<NodeAddress, Member> entries;
    /**
     * Derived views, computed on first use: every key request routes through them, and a map is
     * immutable, so sorting the members once per map (not once per request) is enough. Racy
     * single-check: two threads may both compute the same immutable list.
     */
    private List<NodeAddress> members;
    /** Immutable lists inside an immutable list: safely published through a racy read. */
    private List<List<NodeAddress>> shardMembers;
    /** {@link #digest()}, 0 until computed (racy single-check, like the views above). */
    private long digest;

    public ClusterMap(Layout layout, Map<NodeAddress, Member> entries) {
        this.layout = Objects.requireNonNull(layout);
        this.entries = Map.copyOf(entries);
    }

    public Layout layout() {
        return layout;
    }

    public Map<NodeAddress, Member> entries() {
        return entries;
    }

    public ClusterMap(Map<NodeAddress, Member> entries) {
        this(Layout.REPLICATED, entries);
    }

    /** The map of a new replicated cluster: the nodes of VIEW, in its order. */
    public static ClusterMap initial(List<NodeAddress> view) {
        return initial(view, 0);
    }

    /**
     * The map of a new cluster: the nodes of VIEW in its order and, with {@code shardCount} > 0,
     * dealt round-robin into that many shards (API.md 9.2); 0 means a replicated cluster.
     */
    public static ClusterMap initial(List<NodeAddress> view, int shardCount) {
        Map<NodeAddress, Member> entries = new HashMap<>();
        for (int i = 0; i < view.size(); i++) {
            entries.put(view.get(i), shardCount > 0
                    ? new Member(Status.ALIVE, 0, i, i % shardCount + 1, FIRST_SHARDED_EPOCH)
                    : new Member(Status.ALIVE, 0, i));
        }
        return new ClusterMap(shardCount > 0 ? Layout.sharded(FIRST_SHARDED_EPOCH, shardCount) : Layout.REPLICATED, entries);
    }

    /**
     * The map of a cluster with manual membership ({@code ADDRESS}, API.md 8.1): the nodes of
     * VIEW in its order, dealt round-robin into (nodes / r) shards of r replicas; without
     * {@code REPL_FACTOR} ({@code replFactor} 0) every node is its own shard.
     */
    public static ClusterMap initialManual(List<NodeAddress> view, int replFactor) {
        int shards = Math.max(1, view.size() / Math.max(1, replFactor));
        ClusterMap map = initial(view, shards);
        return new ClusterMap(new Layout(map.layout().epoch(), shards, true, replFactor), map.entries());
    }

    /** The view: alive nodes in cluster order. */
    public List<NodeAddress> members() {
        List<NodeAddress> view = members;
        if (view == null) {
            view = sortedMembers();
            members = view;
        }
        return view;
    }

    private List<NodeAddress> sortedMembers() {
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

    /** The shard ids of the layout, ascending. */
    public List<Integer> shardIds() {
        List<Integer> ids = new ArrayList<>();
        for (int shard = 1; shard <= layout.shardCount(); shard++) {
            ids.add(shard);
        }
        return ids;
    }

    /** The shard {@code node} belongs to now, or {@link #NO_SHARD} (not in the view, or unassigned). */
    public int shardOf(NodeAddress node) {
        Member member = entries.get(node);
        if (member == null || member.status() != Status.ALIVE) {
            return NO_SHARD;
        }
        if (!layout.sharded()) {
            return 1;
        }
        return assignedShard(member);
    }

    /**
     * The shard the layout keeps for {@code node} whatever its status: where a removed node
     * returns when it rejoins.
     */
    public int assignedShard(NodeAddress node) {
        Member member = entries.get(node);
        return member == null ? NO_SHARD : !layout.sharded() ? 1 : assignedShard(member);
    }

    private int assignedShard(Member member) {
        return member.shardEpoch() == layout.epoch() && layout.hasShard(member.shard()) ? member.shard() : NO_SHARD;
    }

    /**
     * The nodes that hold a place in the layout: the members of its shards, and the nodes removed
     * by failure detection, which keep theirs (a cut-off node may be alive on the other side).
     * A change of layout needs most of them, so two sides of a partition cannot both make one.
     */
    public List<NodeAddress> layoutHolders() {
        return entries.entrySet().stream()
                .filter(e -> e.getValue().status() != Status.DEPARTED && assignedShard(e.getKey()) != NO_SHARD)
                .map(Map.Entry::getKey)
                .toList();
    }

    /**
     * The nodes that hold a place in {@code shard}: its members and the nodes removed by failure
     * detection that keep their place in it (they may come back with what they hold).
     */
    public List<NodeAddress> shardHolders(int shard) {
        return entries.entrySet().stream()
                .filter(e -> e.getValue().status() != Status.DEPARTED && shard != NO_SHARD && assignedShard(e.getKey()) == shard)
                .map(Map.Entry::getKey)
                .toList();
    }

    /** The members of a shard, in cluster order. */
    public List<NodeAddress> shardMembers(int shard) {
        if (shard < 1 || shard > layout.shardCount()) {
            return List.of();
        }
        List<List<NodeAddress>> byShard = shardMembers;
        if (byShard == null) {
            byShard = membersByShard();
            shardMembers = byShard;
        }
        return byShard.get(shard - 1);
    }

    private List<List<NodeAddress>> membersByShard() {
        List<List<NodeAddress>> byShard = new ArrayList<>(layout.shardCount());
        for (int shard = 1; shard <= layout.shardCount(); shard++) {
            int id = shard;
            byShard.add(members().stream().filter(node -> shardOf(node) == id).toList());
        }
        return List.copyOf(byShard);
    }

    /** Per node, the winning entry of the two maps; the winning layout. */
    public ClusterMap merge(ClusterMap other) {
        Map<NodeAddress, Member> merged = new HashMap<>(entries);
        other.entries.forEach((node, theirs) -> merged.merge(node, theirs, (mine, t) -> t.beats(mine) ? t : mine));
        Layout winner = other.layout.beats(layout) ? other.layout : layout;
        return merged.equals(entries) && winner.equals(layout) ? this : new ClusterMap(winner, merged);
    }

    /** {@code node} joins (or rejoins): alive, appended to the cluster order. No change if alive. */
    public ClusterMap withMember(NodeAddress node) {
        Member current = entries.get(node);
        if (current == null) {
            return with(node, new Member(Status.ALIVE, 0, maxStamp() + 1));
        }
        if (current.status() == Status.ALIVE) {
            return this;
        }
        return with(node, new Member(Status.ALIVE, current.version() + 1, maxStamp() + 1,
                current.shard(), current.shardEpoch()));
    }

    /**
     * {@code node} leaves the view. Removed by failure detection, it keeps its shard to return to;
     * departed by request ({@code byRequest}), it leaves its shard too (API.md 6.6).
     */
    public ClusterMap withoutMember(NodeAddress node, boolean byRequest) {
        Member current = entries.get(node);
        if (current == null || current.status() != Status.ALIVE) {
            return this;
        }
        return with(node, byRequest
                ? new Member(Status.DEPARTED, current.version() + 1, current.stamp())
                : new Member(Status.REMOVED, current.version() + 1, current.stamp(), current.shard(), current.shardEpoch()));
    }

    /** {@code node}, alive and in the view, joins {@code shard} of the current layout (add-member). */
    public ClusterMap withShardMember(NodeAddress node, int shard) {
        Member current = entries.get(node);
        if (current == null || current.status() != Status.ALIVE || !layout.hasShard(shard) || shardOf(node) == shard) {
            return this;
        }
        return with(node, current.assigned(shard, layout.epoch()));
    }

    /**
     * A new layout of {@code shardCount} shards in the next epoch, every node of the view dealt
     * round-robin in cluster order (API.md 9.2, 9.4).
     */
    public ClusterMap resharded(int shardCount) {
        Layout next = new Layout(layout.epoch() + 1, shardCount, true, layout.replFactor());
        Map<NodeAddress, Member> assigned = new HashMap<>(entries);
        List<NodeAddress> view = members();
        for (int i = 0; i < view.size(); i++) {
            assigned.put(view.get(i), entries.get(view.get(i)).assigned(i % shardCount + 1, next.epoch()));
        }
        return new ClusterMap(next, assigned);
    }

    /**
     * The layout a {@code kvs-keys} view change asks for (API.md 8.5): exactly the nodes of
     * {@code view}, in its order (it replaces the cluster order, 9.2), dealt round-robin into
     * shards of {@code replFactor} replicas (each node its own shard when 0: unreplicated), in the
     * next epoch. Nodes left out depart, and leave their shards.
     */
    public ClusterMap viewChanged(List<NodeAddress> view, int replFactor) {
        int shards = Math.max(1, view.size() / Math.max(1, replFactor));
        Layout next = new Layout(layout.epoch() + 1, shards, true, replFactor);
        Map<NodeAddress, Member> changed = new HashMap<>();
        entries.forEach((node, member) -> changed.put(node, member.status() == Status.ALIVE && !view.contains(node)
                ? new Member(Status.DEPARTED, member.version() + 1, member.stamp())
                : member));
        long base = maxStamp() + 1;
        for (int i = 0; i < view.size(); i++) {
            Member current = entries.get(view.get(i));
            long version = current == null ? 0 : current.version() + 1;
            changed.put(view.get(i), new Member(Status.ALIVE, version, base + i, i % shards + 1, next.epoch()));
        }
        return new ClusterMap(next, changed);
    }

    private ClusterMap with(NodeAddress node, Member member) {
        Map<NodeAddress, Member> next = new HashMap<>(entries);
        next.put(node, member);
        return new ClusterMap(layout, next);
    }

    private long maxStamp() {
        return entries.values().stream().mapToLong(Member::stamp).max().orElse(-1);
    }

    /**
     * A 64-bit fingerprint of the map's content, the same on every node for equal maps
     * (entries in address order, never 0): a heartbeat carries it instead of the map when the
     * peer already has this map (FailureDetector), so an unchanged map costs no encoding.
     */
    public long digest() {
        long d = digest;
        if (d == 0) {
            long h = mix(mix(mix(mix(0x9E3779B97F4A7C15L, layout.epoch()), layout.shardCount()),
                    layout.sharded() ? 1 : 0), layout.replFactor());
            List<Map.Entry<NodeAddress, Member>> sorted = new ArrayList<>(entries.entrySet());
            sorted.sort(Map.Entry.comparingByKey(Comparator.comparing(NodeAddress::toString)));
            for (Map.Entry<NodeAddress, Member> e : sorted) {
                Member m = e.getValue();
                String address = e.getKey().toString();
                h = mix(mix(h, address.hashCode()), address.length());
                h = mix(mix(mix(mix(mix(h, m.status().ordinal()), m.version()), m.stamp()), m.shard()), m.shardEpoch());
            }
            d = h == 0 ? 1 : h;
            digest = d;
        }
        return d;
    }

    /** One step of a 64-bit hash: the value folded in, then SplitMix64's finaliser. */
    private static long mix(long h, long value) {
        long z = h ^ (value + 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClusterMap other && layout.equals(other.layout) && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return Objects.hash(layout, entries);
    }

    @Override
    public String toString() {
        return "ClusterMap[layout=" + layout + ", entries=" + entries + "]";
    }
}
