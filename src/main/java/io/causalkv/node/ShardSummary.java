package io.causalkv.node;

import io.causalkv.cluster.NodeAddress;
import java.util.List;

/** One shard of a layout as a view change reports it (API.md 8.5): its replicas in order and its live keys. */
public record ShardSummary(int shard, List<NodeAddress> replicas, int keys) {
}
