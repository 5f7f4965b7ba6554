package io.causalkv.replication;

import io.causalkv.cluster.NodeAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Writes a peer sent this replica before this replica counts that peer as stable again, kept
 * without being applied. They are the sender's writes this replica missed while the two were cut
 * off (and any made since, queued behind them): API.md 10.3 wants them still missing here 1 s
 * after reconnection, while 6.4 wants a write the sender acknowledges stored on a second replica.
 * Kept here, they are stored without being seen; they are applied once the sender is stable, or
 * gone (then this replica may be their last holder).
 */
public final class StagedWrites {

    /** Writes kept per sender; more are refused, and the sender retries later. */
    public static final int CAPACITY_PER_SENDER = ShardReplica.DELIVERY_BUFFER_CAPACITY;

    private final Map<NodeAddress, List<Write>> bySender = new HashMap<>();

    /** Keeps {@code writes} from {@code sender}; false (nothing kept) when over capacity. */
    public synchronized boolean stage(NodeAddress sender, List<Write> writes) {
        List<Write> kept = bySender.computeIfAbsent(sender, s -> new ArrayList<>());
        if (kept.size() + writes.size() > CAPACITY_PER_SENDER) {
            return false;
        }
        kept.addAll(writes);
        return true;
    }

    /** Takes out the writes of every sender that {@code release} accepts, each sender's in the order they came. */
    public synchronized Map<NodeAddress, List<Write>> release(Predicate<NodeAddress> release) {
        Map<NodeAddress, List<Write>> released = new HashMap<>();
        bySender.entrySet().removeIf(entry -> {
            if (release.test(entry.getKey())) {
                released.put(entry.getKey(), entry.getValue());
                return true;
            }
            return false;
        });
        return released;
    }

    public synchronized int size() {
        return bySender.values().stream().mapToInt(List::size).sum();
    }
}
