package io.causalkv.replication;

import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.NodeAddress;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Writes a replica holds but does not show yet: those from a peer it is not in stable contact
 * with (API.md 10.3: a replica reconnected after a cut must still lack the writes it missed 1 s
 * later). Holding them here instead of at the sender means a write is on two replicas as soon as
 * it reaches a peer, whatever the state of their contact (issue 17: a sender that held writes back
 * made every write behind them single-copy for about 2 s after any loss of contact). Released
 * into the replica once the peer is stable, or has failed (then they are the only other copy).
 * Not thread-safe; the replica's lock guards it.
 */
final class StagedWrites {

    /** One origin: a node and one incarnation of its replica. */
    private record Origin(NodeAddress node, String replica) {
    }

    private final int capacity;
    private final long maxBytes;
    private final Map<Origin, TreeMap<Long, Write>> byOrigin = new HashMap<>();
    /** Whole pulls from a node, held the same way: what it had that this replica lacked. */
    private final Map<NodeAddress, StateDelta> pulled = new HashMap<>();
    private final Map<NodeAddress, Long> pulledBytes = new HashMap<>();
    private int size;
    private long bytes;

    /** Holds at most {@code capacity} writes and entries of pulls, of {@code maxBytes} at most (but always one). */
    StagedWrites(int capacity, long maxBytes) {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
    }

    /** Holds {@code write} from {@code node}; false when full. A write already held is accepted again. */
    boolean stage(NodeAddress node, Write write) {
        TreeMap<Long, Write> writes = byOrigin.computeIfAbsent(new Origin(node, write.dot().replica()), o -> new TreeMap<>());
        if (writes.containsKey(write.dot().seq())) {
            return true;
        }
        if (size >= capacity || (size > 0 && bytes + write.encodedSize() > maxBytes)) {
            if (writes.isEmpty()) {
                byOrigin.remove(new Origin(node, write.dot().replica()));
            }
            return false;
        }
        writes.put(write.dot().seq(), write);
        size++;
        bytes += write.encodedSize();
        return true;
    }

    /**
     * Holds a whole pull from {@code node} (its clock covers its entries); false when it does
     * not fit. Successive pulls from a node are kept as one.
     */
    boolean stage(NodeAddress node, StateDelta delta) {
        long deltaBytes = bytesOf(delta);
        if (size + delta.entries().size() > capacity || (size > 0 && bytes + deltaBytes > maxBytes)) {
            return false;
        }
        bytes += deltaBytes;
        pulledBytes.merge(node, deltaBytes, Long::sum);
        pulled.merge(node, delta, (a, b) -> new StateDelta(a.clock().merge(b.clock()),
                Stream.concat(a.entries().stream(), b.entries().stream()).toList()));
        size += delta.entries().size();
        return true;
    }

    /** How far the pulls held here cover {@code replica}'s writes (0: none). */
    long pulledThrough(String replica) {
        long held = 0;
        for (StateDelta delta : pulled.values()) {
            held = Math.max(held, delta.clock().get(replica));
        }
        return held;
    }

    /** The last write of each replica held here, pulls included. */
    VectorClock heldClock() {
        VectorClock held = VectorClock.EMPTY;
        for (StateDelta delta : pulled.values()) {
            held = held.merge(delta.clock());
        }
        for (Map.Entry<Origin, TreeMap<Long, Write>> e : byOrigin.entrySet()) {
            if (!e.getValue().isEmpty()) {
                held = held.with(e.getKey().replica(), e.getValue().lastKey());
            }
        }
        return held;
    }

    /** Drops {@code replica}'s writes after {@code seq}: they can never be applied (sealed). */
    void discardAfter(String replica, long seq) {
        for (Iterator<Map.Entry<Origin, TreeMap<Long, Write>>> it = byOrigin.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Origin, TreeMap<Long, Write>> e = it.next();
            if (e.getKey().replica().equals(replica)) {
                for (Write dropped : e.getValue().tailMap(seq, false).values()) {
                    size--;
                    bytes -= dropped.encodedSize();
                }
                e.getValue().tailMap(seq, false).clear();
                if (e.getValue().isEmpty()) {
                    it.remove();
                }
            }
        }
    }

    /** Whether {@code replica}'s write {@code seq} is held here. */
    boolean holds(String replica, long seq) {
        for (Map.Entry<Origin, TreeMap<Long, Write>> e : byOrigin.entrySet()) {
            if (e.getKey().replica().equals(replica) && e.getValue().containsKey(seq)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Hands {@code merge} the pulls and then {@code deliver} the writes of the nodes {@code
     * releasable} accepts, each origin's in order; a write it refuses (no room) stays held, with
     * those after it.
     */
    void release(Predicate<NodeAddress> releasable, Consumer<StateDelta> merge, Predicate<Write> deliver) {
        for (Iterator<Map.Entry<NodeAddress, StateDelta>> it = pulled.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<NodeAddress, StateDelta> e = it.next();
            if (releasable.test(e.getKey())) {
                merge.accept(e.getValue());
                size -= e.getValue().entries().size();
                bytes -= pulledBytes.remove(e.getKey());
                it.remove();
            }
        }
        for (Iterator<Map.Entry<Origin, TreeMap<Long, Write>>> it = byOrigin.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Origin, TreeMap<Long, Write>> e = it.next();
            if (!releasable.test(e.getKey().node())) {
                continue;
            }
            TreeMap<Long, Write> writes = e.getValue();
            while (!writes.isEmpty() && deliver.test(writes.firstEntry().getValue())) {
                bytes -= writes.pollFirstEntry().getValue().encodedSize();
                size--;
            }
            if (writes.isEmpty()) {
                it.remove();
            }
        }
    }

    int size() {
        return size;
    }

    long bytes() {
        return bytes;
    }

    private static long bytesOf(StateDelta delta) {
        long total = io.causalkv.store.EncodedSize.clock(delta.clock());
        for (StateDelta.KeyedEntry keyed : delta.entries()) {
            total += io.causalkv.store.EncodedSize.of(keyed.key(), keyed.entry());
        }
        return total;
    }
}
