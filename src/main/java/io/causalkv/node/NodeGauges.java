package io.causalkv.node;

import io.causalkv.replication.Replicator;
import io.causalkv.replication.ShardReplica;
import java.util.Map;

/**
 * A snapshot of what a node's metrics report: its replica's live keys, tombstones, writes
 * waiting for their dependencies and writes held unseen from peers not yet stable, the writes
 * waiting to be replicated and how long the oldest has waited, and how many peers are in each state.
 */
public record NodeGauges(int keys, int tombstones, int buffered, int staged, int replicationQueue,
                         double replicationLagSeconds, Map<NodeStatus.State, Integer> peers) {

    /** The gauges of {@code replica} (null: none hosted) and its {@code replicator} (null: no peers). */
    static NodeGauges of(ShardReplica replica, Replicator replicator, Map<NodeStatus.State, Integer> peers) {
        return new NodeGauges(
                replica == null ? 0 : replica.liveKeyCount(),
                replica == null ? 0 : replica.tombstoneCount(),
                replica == null ? 0 : replica.buffered(),
                replica == null ? 0 : replica.stagedCount(),
                replicator == null ? 0 : replicator.queued(),
                replicator == null ? 0 : replicator.lagNanos() / 1e9,
                peers);
    }
}
