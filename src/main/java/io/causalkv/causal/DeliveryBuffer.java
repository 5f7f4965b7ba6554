package io.causalkv.causal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Replicated writes that arrived before their dependencies, waiting for causal delivery. A
 * message is deliverable when it is the next one of its origin (FIFO per replica) and the applied
 * clock covers its dependencies. Bounded by count and by bytes (writes are up to 1 MiB each: a
 * bound by count alone let it grow to 100 GB): a full buffer refuses, and the sender keeps the
 * write and retries (API.md 6.4: never dropped). Not thread-safe; the replica's lock guards it.
 */
public final class DeliveryBuffer<M extends CausalMessage> {

    private final int capacity;
    private final long maxBytes;
    private final Map<String, TreeMap<Long, M>> byOrigin = new HashMap<>();
    private int size;
    private long bytes;

    public DeliveryBuffer(int capacity, long maxBytes) {
        this.capacity = capacity;
        this.maxBytes = maxBytes;
    }

    /** Adds a message; false when the buffer is full. A message already buffered is accepted again. */
    public boolean offer(M message) {
        TreeMap<Long, M> queue = byOrigin.computeIfAbsent(message.dot().replica(), origin -> new TreeMap<>());
        if (queue.containsKey(message.dot().seq())) {
            return true;
        }
        // An empty buffer takes a message of any size: one larger than the bound must not wait for ever.
        if (size >= capacity || (size > 0 && bytes + message.encodedSize() > maxBytes)) {
            if (queue.isEmpty()) {
                byOrigin.remove(message.dot().replica());
            }
            return false;
        }
        queue.put(message.dot().seq(), message);
        size++;
        bytes += message.encodedSize();
        return true;
    }

    /**
     * Removes and returns, in a valid delivery order, every message that becomes deliverable
     * starting from {@code applied}; messages already covered by the clock are discarded.
     */
    public List<M> takeDeliverable(VectorClock applied) {
        return takeDeliverable(applied, deps -> deps);
    }

    /**
     * The same, with each message's dependencies as {@code effective} makes them (dependencies on
     * writes that exist nowhere any more are dropped: see {@code ShardReplica#seal}).
     */
    public List<M> takeDeliverable(VectorClock applied, UnaryOperator<VectorClock> effective) {
        List<M> out = new ArrayList<>();
        VectorClock clock = applied;
        boolean progress = true;
        while (progress) {
            progress = false;
            Iterator<Map.Entry<String, TreeMap<Long, M>>> origins = byOrigin.entrySet().iterator();
            while (origins.hasNext()) {
                Map.Entry<String, TreeMap<Long, M>> origin = origins.next();
                TreeMap<Long, M> queue = origin.getValue();
                long have = clock.get(origin.getKey());
                while (!queue.isEmpty() && queue.firstKey() <= have) {
                    bytes -= queue.pollFirstEntry().getValue().encodedSize();
                    size--;
                }
                while (!queue.isEmpty() && queue.firstKey() == clock.get(origin.getKey()) + 1
                        && clock.covers(effective.apply(queue.firstEntry().getValue().deps()))) {
                    M next = queue.pollFirstEntry().getValue();
                    size--;
                    bytes -= next.encodedSize();
                    out.add(next);
                    clock = clock.with(origin.getKey(), next.dot().seq());
                    progress = true;
                }
                if (queue.isEmpty()) {
                    origins.remove();
                }
            }
        }
        return out;
    }

    public int size() {
        return size;
    }

    /** Whether the message {@code seq} of {@code origin} waits here. */
    public boolean holds(String origin, long seq) {
        TreeMap<Long, M> queue = byOrigin.get(origin);
        return queue != null && queue.containsKey(seq);
    }

    /** The last message of each origin that waits here: what it holds beyond the applied clock. */
    public VectorClock heldClock() {
        VectorClock held = VectorClock.EMPTY;
        for (Map.Entry<String, TreeMap<Long, M>> origin : byOrigin.entrySet()) {
            if (!origin.getValue().isEmpty()) {
                held = held.with(origin.getKey(), origin.getValue().lastKey());
            }
        }
        return held;
    }

    /** Drops the messages of {@code origin} after {@code seq}: they can never be delivered (sealed). */
    public void discardAfter(String origin, long seq) {
        TreeMap<Long, M> queue = byOrigin.get(origin);
        if (queue == null) {
            return;
        }
        for (M dropped : queue.tailMap(seq, false).values()) {
            size--;
            bytes -= dropped.encodedSize();
        }
        queue.tailMap(seq, false).clear();
        if (queue.isEmpty()) {
            byOrigin.remove(origin);
        }
    }

    /** The bytes of the messages it holds, as their {@link CausalMessage#encodedSize()} counts them. */
    public long bytes() {
        return bytes;
    }
}
