package io.causalkv.node;

import io.causalkv.cluster.NodeAddress;

/**
 * One node as the admin page shows it: its shard (0 when unassigned), its state, and the live
 * keys of its replica as last reported (-1 when unknown).
 */
public record NodeStatus(NodeAddress address, int shard, State state, int keys) {

    public enum State { UP, SUSPECTED, DOWN, UNASSIGNED }
}
