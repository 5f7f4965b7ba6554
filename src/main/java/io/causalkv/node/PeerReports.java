package io.causalkv.node;

import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.replication.ShardStatus;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest report of each peer's replica (from heartbeats, either way) and when it came. Read
 * by the admin page and by the start-up rule of {@link ShardHost#becomeReady}: whether every
 * other member of a shard says it is still starting too.
 */
final class PeerReports {

    private record Report(ShardStatus status, long heardAt) {
    }

    private final Map<NodeAddress, Report> reports = new ConcurrentHashMap<>();

    void heard(NodeAddress peer, ShardStatus status, long now) {
        reports.put(peer, new Report(status, now));
    }

    /** The latest report of each peer. */
    Map<NodeAddress, ShardStatus> latest() {
        Map<NodeAddress, ShardStatus> latest = new HashMap<>();
        reports.forEach((peer, report) -> latest.put(peer, report.status()));
        return Map.copyOf(latest);
    }

    /**
     * True when each of {@code peers} last reported, at or after {@code since}, a replica of
     * {@code shard} that is not ready: none of them has the shard's state to give.
     */
    boolean allStarting(Collection<NodeAddress> peers, ShardRef shard, long since) {
        for (NodeAddress peer : peers) {
            Report report = reports.get(peer);
            if (report == null || report.heardAt() - since < 0
                    || !shard.equals(report.status().shard()) || report.status().ready()) {
                return false;
            }
        }
        return true;
    }
}
