package io.causalkv.node;

import java.util.Map;

/**
 * A snapshot of what a node's metrics report: its replica's live keys, tombstones and writes
 * waiting for their dependencies, the writes waiting to be replicated and how long the oldest has
 * waited, and how many peers are in each state.
 */
public record NodeGauges(int keys, int tombstones, int buffered, int replicationQueue, double replicationLagSeconds,
                         Map<NodeStatus.State, Integer> peers) {
}
