package io.causalkv.node;

import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.Layout;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.replication.StateDelta;
import io.causalkv.store.EncodedSize;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerUnreachableException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Predicate;

/**
 * Sends entries to the members of their shards in a layout (reshard hand-over). Handed-over
 * entries are imported, not replicated: a member that misses them does not get them from its
 * peers. So a hand-over succeeds only when <em>every</em> targeted member of every shard took all
 * of its entries.
 */
final class HandOver {

    /** Entries per message at most; fewer when they would outgrow {@link PeerClient#BATCH_BYTES}. */
    static final int BATCH = 2_000;

    private final NodeAddress self;
    private final PeerClient client;
    private final BiPredicate<ShardRef, List<StateDelta.KeyedEntry>> local;

    /** @param local how this node takes entries meant for itself */
    HandOver(NodeAddress self, PeerClient client, BiPredicate<ShardRef, List<StateDelta.KeyedEntry>> local) {
        this.self = self;
        this.client = client;
        this.local = local;
    }

    /**
     * Sends each entry to the members of its shard in {@code layoutMap} that {@code targets}
     * accepts. True when all of them took all of their entries.
     */
    boolean deliver(List<StateDelta.KeyedEntry> entries, ClusterMap layoutMap, Predicate<NodeAddress> targets) {
        Layout layout = layoutMap.layout();
        Map<Integer, List<StateDelta.KeyedEntry>> byShard = new HashMap<>();
        for (StateDelta.KeyedEntry entry : entries) {
            byShard.computeIfAbsent(layout.shardOf(entry.key()), s -> new ArrayList<>()).add(entry);
        }
        boolean complete = true;
        for (Map.Entry<Integer, List<StateDelta.KeyedEntry>> group : byShard.entrySet()) {
            ShardRef ref = new ShardRef(group.getKey(), layout.epoch());
            for (NodeAddress member : layoutMap.shardMembers(group.getKey())) {
                if (targets.test(member)) {
                    complete &= sendAll(member, ref, group.getValue());
                }
            }
        }
        return complete;
    }

    private boolean sendAll(NodeAddress member, ShardRef ref, List<StateDelta.KeyedEntry> entries) {
        for (int from = 0, to; from < entries.size(); from = to) {
            to = batchEnd(entries, from);
            List<StateDelta.KeyedEntry> batch = entries.subList(from, to);
            try {
                if (!(member.equals(self) ? local.test(ref, batch) : client.handoff(member, ref, batch))) {
                    return false;
                }
            } catch (PeerUnreachableException e) {
                return false;
            }
        }
        return true;
    }

    /** Where the batch starting at {@code from} ends: {@link #BATCH} entries or {@link PeerClient#BATCH_BYTES}, at least one entry. */
    private static int batchEnd(List<StateDelta.KeyedEntry> entries, int from) {
        int to = from;
        long bytes = 0;
        while (to < entries.size() && to - from < BATCH) {
            bytes += EncodedSize.of(entries.get(to).key(), entries.get(to).entry());
            if (to > from && bytes > PeerClient.BATCH_BYTES) {
                break;
            }
            to++;
        }
        return to;
    }
}
