package io.causalkv.node;

import io.causalkv.cluster.NodeAddress;

/**
 * One node as the admin page shows it: its shard (0 when unassigned), its state, the live keys
 * of its replica as last reported (-1 when unknown), and whether this node replicates to it
 * ({@code stable}: it has answered long enough since contact was last lost, API.md 10.3).
 */
public record NodeStatus(NodeAddress address, int shard, State state, int keys, boolean stable) {

    public enum State { UP, SUSPECTED, DOWN, UNASSIGNED }
}
