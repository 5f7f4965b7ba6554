package io.causalkv.replication;

import io.causalkv.causal.CausalContext;
import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Dependencies on writes that can never come (issue 17 item 3), judged from what the shard's
 * holders last reported ({@link AntiEntropy} keeps the reports).
 */
public final class UnmetDependencies {

    /**
     * What {@link #examine} found of a context's unmet dependencies: whether it names a replica
     * this shard never had, and the replicas it names whose writes it lacks died with them.
     */
    public record Unmet(boolean neverExisted, Set<String> lost) {

        static final Unmet PENDING = new Unmet(false, Set.of());
        static final Unmet INVALID = new Unmet(true, Set.of());
    }

    private final NodeAddress self;
    private final Membership membership;
    private final ShardReplica replica;
    private final BooleanSupplier holdsImported;
    private final Supplier<LocalShard.Holders> holders;
    private final Map<NodeAddress, ShardStatus> peerReports;

    UnmetDependencies(NodeAddress self, Membership membership, ShardReplica replica, BooleanSupplier holdsImported,
                      Supplier<LocalShard.Holders> holders, Map<NodeAddress, ShardStatus> peerReports) {
        this.self = self;
        this.membership = membership;
        this.replica = replica;
        this.holdsImported = holdsImported;
        this.holders = holders;
        this.peerReports = peerReports;
    }

    /**
     * Looks at the replicas {@code context} names in this shard beyond what this replica has
     * applied and that no holder has any write of, once every holder has reported, ready. An
     * earlier replica of a holder's node (it restarted), or one of a node that departed by
     * request a while ago: whatever it wrote that no one has died with it, so it is
     * {@linkplain Unmet#lost() lost}: the request goes on without it (issue 17: one lost write of
     * a fresh incarnation made every request carrying it 503 for good, since no clock named that
     * incarnation and so nothing sealed it). Nothing is kept of it here: a client could name any
     * number of them. A replica id of a node this one has never heard of, older than {@link
     * LocalShard#HOLDERS_QUIET_NANOS}: {@linkplain Unmet#neverExisted() never existed}, invalid
     * metadata. (An id that is not in the form this server issues is left to the dialect's rule
     * for unmet dependencies, as before: API.md 4.4.)
     */
    Unmet examine(CausalContext context) {
        if (context.epoch() != replica.epoch() || !holdsImported.getAsBoolean()) {
            return Unmet.PENDING;
        }
        LocalShard.Holders shard = holders.get();
        HolderReports reports = shard.others() == null ? null : HolderReports.of(self, replica, shard.others(), peerReports);
        if (reports == null) {
            return Unmet.PENDING; // a holder unheard from may have anything
        }
        VectorClock applied = replica.applied();
        Set<String> lost = new HashSet<>();
        for (Map.Entry<String, Long> dep : context.clockFor(replica.shard(), replica.epoch()).entries().entrySet()) {
            String named = dep.getKey();
            if (dep.getValue() <= applied.get(named) || replica.sealed().containsKey(named)
                    || reports.anySaw(named)) {
                continue; // met, sealed, or some holder has its writes (sealing decides when it is dead)
            }
            String node = ReplicaIds.nodeOf(named);
            long[] version = ReplicaIds.versionOf(named);
            if (node == null || version == null) {
                continue; // not an id this server issues: the dialect's rule for unmet ones (API.md 4.4)
            }
            String now = reports.replicaByNode().get(node);
            if (now != null) {
                long[] nowVersion = ReplicaIds.versionOf(now);
                if (nowVersion != null && Arrays.compare(version, nowVersion) < 0) {
                    lost.add(named); // an earlier replica of a holder's node, of which nothing survives
                }
                continue;
            }
            NodeAddress address = parse(node);
            ClusterMap.Member entry = address == null ? null : membership.map().entry(address);
            boolean old = replica.wallMillis() - version[0] > LocalShard.HOLDERS_QUIET_NANOS / 1_000_000;
            if (entry == null && old) {
                return Unmet.INVALID;
            }
            if (entry != null && entry.status() == ClusterMap.Status.DEPARTED && old
                    && membership.now() - shard.quietUntilNanos() >= 0) {
                lost.add(named); // a departed member's replica whose writes reached no one
            }
        }
        return lost.isEmpty() ? Unmet.PENDING : new Unmet(false, Set.copyOf(lost));
    }

    private static NodeAddress parse(String node) {
        try {
            return NodeAddress.parse(node);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
