package io.causalkv.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * This node's view of the cluster: the current {@link ClusterMap}, the health of every peer it
 * has heard of, and listeners told of each new map. Changes are proposed here and adopted from
 * gossip; the newer map always wins (under manual membership, only a later view change's).
 */
public final class Membership {

    /**
     * How long a node that departed by request is still probed: time enough for it to learn of
     * its departure if it is up. After that it is left alone (issue 17: every address ever seen
     * was probed every 200 ms for good); a request that names it again adds it back.
     */
    public static final long DEPARTED_PROBED_FOR_NANOS = 60_000_000_000L;

    private final NodeAddress self;
    private final LongSupplier clock;
    private final Set<NodeAddress> known = ConcurrentHashMap.newKeySet();
    private final Map<NodeAddress, PeerHealth> health = new ConcurrentHashMap<>();
    /** When this node first saw each departed node's entry say so. */
    private final Map<NodeAddress, Long> departedAt = new ConcurrentHashMap<>();
    private final List<Consumer<ClusterMap>> listeners = new CopyOnWriteArrayList<>();
    private final ClusterIdentity identity;
    private ClusterMap map;

    /**
     * Under manual membership (kvs-keys, API.md 8.1) only a view change changes the map, and every
     * view change commits a layout of a higher epoch: a map of the same epoch heard from a peer is
     * not merged. Otherwise a node started ahead of the view change that will add it, with a VIEW
     * listing itself, whose start-up probes went unanswered, would spread the layout of its own
     * VIEW (more shards: it won the merge) and take over where the running nodes place keys.
     */
    private final boolean manual;

    public Membership(NodeAddress self, ClusterMap initial, LongSupplier nanoClock) {
        this(self, initial, nanoClock, false);
    }

    public Membership(NodeAddress self, ClusterMap initial, LongSupplier nanoClock, boolean manual) {
        this.self = self;
        this.clock = nanoClock;
        this.map = initial;
        this.manual = manual;
        this.identity = new ClusterIdentity(ClusterIdentity.derive(initial));
        learn(initial);
    }

    public NodeAddress self() {
        return self;
    }

    /** Which cluster this node belongs to. */
    public ClusterIdentity identity() {
        return identity;
    }

    public synchronized ClusterMap map() {
        return map;
    }

    public void onChange(Consumer<ClusterMap> listener) {
        listeners.add(listener);
    }

    /** Merges a map heard from a peer. */
    public void adopt(ClusterMap other) {
        change(m -> combine(m, other));
    }

    /**
     * Two maps as one: their merge, or under manual membership the later view change's map, whole
     * (a node it leaves out must not keep its own entry). Also how a joining node combines the
     * maps its peers answered with.
     */
    public ClusterMap combine(ClusterMap mine, ClusterMap theirs) {
        if (manual) {
            return theirs.layout().epoch() > mine.layout().epoch() ? theirs : mine;
        }
        return mine.merge(theirs);
    }

    /** Replaces the map outright: only at start-up, with the map learnt from the cluster. */
    public void reset(ClusterMap cluster) {
        change(m -> cluster);
    }

    /**
     * Applies a change to the current map and tells the listeners. The change returns the map
     * unchanged when there is nothing to do.
     */
    public ClusterMap propose(UnaryOperator<ClusterMap> change) {
        return change(change);
    }

    private ClusterMap change(UnaryOperator<ClusterMap> change) {
        ClusterMap next;
        synchronized (this) {
            next = change.apply(map);
            if (next == map) {
                return map;
            }
            map = next;
        }
        learn(next);
        ClusterMap changed = next;
        listeners.forEach(listener -> listener.accept(changed));
        return next;
    }

    /** Every other node this one has heard of, members or not. */
    public List<NodeAddress> knownPeers() {
        List<NodeAddress> peers = new ArrayList<>(known);
        peers.remove(self);
        return peers;
    }

    /**
     * The peers to probe: every other node heard of (a removed member may be alive across a
     * partition, and probes are how it hears of the map), except one that departed by request
     * more than {@link #DEPARTED_PROBED_FOR_NANOS} ago.
     */
    public List<NodeAddress> peersToProbe() {
        long now = now();
        List<NodeAddress> peers = knownPeers();
        peers.removeIf(peer -> {
            Long departed = departedAt.get(peer);
            return departed != null && now - departed >= DEPARTED_PROBED_FOR_NANOS;
        });
        return peers;
    }

    /** The other members of the current view, in cluster order. */
    public List<NodeAddress> otherMembers() {
        List<NodeAddress> others = new ArrayList<>(map().members());
        others.remove(self);
        return others;
    }

    public PeerHealth health(NodeAddress peer) {
        return health.computeIfAbsent(peer, p -> new PeerHealth(clock.getAsLong()));
    }

    public long now() {
        return clock.getAsLong();
    }

    public boolean isStable(NodeAddress peer) {
        return health(peer).isStable(now());
    }

    public void learn(NodeAddress node) {
        known.add(node);
    }

    private void learn(ClusterMap m) {
        known.addAll(m.entries().keySet());
        long now = clock.getAsLong();
        m.entries().forEach((node, entry) -> {
            if (entry.status() == ClusterMap.Status.DEPARTED) {
                departedAt.putIfAbsent(node, now);
            } else {
                departedAt.remove(node);
            }
        });
    }
}
