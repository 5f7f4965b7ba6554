package io.causalkv.replication;

import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.NodeAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shard as its holders last reported it, this replica included: what each has applied,
 * what each has seen (applied or held unapplied), and each holder node's replica now. Only
 * when every holder has reported, ready: a holder unheard from may hold anything.
 */
record HolderReports(List<VectorClock> applied, List<VectorClock> seen, Map<String, String> replicaByNode) {

    /** The reports of {@code holders} (this node excluded), or null if one is missing or not ready. */
    static HolderReports of(NodeAddress self, ShardReplica replica, Set<NodeAddress> holders, Map<NodeAddress, ShardStatus> reports) {
        List<VectorClock> applied = new ArrayList<>();
        List<VectorClock> seen = new ArrayList<>();
        Map<String, String> replicaByNode = new HashMap<>();
        seen.add(replica.held()); // first, as in ShardStatus.of: a write held now and applied next counts either way
        applied.add(replica.applied());
        seen.add(replica.applied());
        replicaByNode.put(self.toString(), replica.replicaId());
        for (NodeAddress holder : holders) {
            ShardStatus report = reports.get(holder);
            if (report == null || !report.ready() || report.replica().isEmpty()) {
                return null;
            }
            applied.add(report.applied());
            seen.add(report.seen());
            replicaByNode.put(holder.toString(), report.replica());
        }
        return new HolderReports(applied, seen, replicaByNode);
    }

    /** Whether some holder has applied or holds a write of {@code replicaId}. */
    boolean anySaw(String replicaId) {
        return seen.stream().anyMatch(clock -> clock.get(replicaId) > 0);
    }
}
