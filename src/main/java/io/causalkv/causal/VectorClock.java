package io.causalkv.causal;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable vector clock: for each replica id, how many of its writes are included. Entries
 * are kept sorted and zero entries are never stored, so equal clocks have equal entry lists.
 */
public final class VectorClock {

    public static final VectorClock EMPTY = new VectorClock(new TreeMap<>());

    private final SortedMap<String, Long> entries;

    private VectorClock(SortedMap<String, Long> entries) {
        this.entries = entries;
    }

    /** A clock with the given entries; zero entries are dropped, negative ones refused. */
    public static VectorClock of(Map<String, Long> entries) {
        TreeMap<String, Long> copy = new TreeMap<>();
        entries.forEach((replica, count) -> {
            if (count < 0) {
                throw new IllegalArgumentException("negative clock entry for " + replica);
            }
            if (count > 0) {
                copy.put(replica, count);
            }
        });
        return copy.isEmpty() ? EMPTY : new VectorClock(copy);
    }

    public long get(String replica) {
        return entries.getOrDefault(replica, 0L);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The entries, sorted by replica id. */
    public SortedMap<String, Long> entries() {
        return Collections.unmodifiableSortedMap(entries);
    }

    /** This clock with {@code replica}'s count lowered to {@code count} if above it (0 drops it). */
    public VectorClock atMost(String replica, long count) {
        if (get(replica) <= count) {
            return this;
        }
        TreeMap<String, Long> copy = new TreeMap<>(entries);
        if (count == 0) {
            copy.remove(replica);
        } else {
            copy.put(replica, count);
        }
        return new VectorClock(copy);
    }

    /** This clock with {@code replica}'s entry raised to at least {@code count}. */
    public VectorClock with(String replica, long count) {
        if (get(replica) >= count) {
            return this;
        }
        TreeMap<String, Long> copy = new TreeMap<>(entries);
        copy.put(replica, count);
        return new VectorClock(copy);
    }

    /** The entry-wise maximum. */
    public VectorClock merge(VectorClock other) {
        if (other.covers(this)) {
            return other;
        }
        if (covers(other)) {
            return this;
        }
        TreeMap<String, Long> merged = new TreeMap<>(entries);
        other.entries.forEach((replica, count) -> merged.merge(replica, count, Math::max));
        return new VectorClock(merged);
    }

    /** The entry-wise minimum: what both clocks cover (a replica missing from either counts 0). */
    public VectorClock meet(VectorClock other) {
        if (covers(other)) {
            return other;
        }
        if (other.covers(this)) {
            return this;
        }
        TreeMap<String, Long> met = new TreeMap<>();
        entries.forEach((replica, count) -> {
            long least = Math.min(count, other.get(replica));
            if (least > 0) {
                met.put(replica, least);
            }
        });
        return new VectorClock(met);
    }

    /** True when every entry of {@code other} is at most this clock's entry (this ≥ other). */
    public boolean covers(VectorClock other) {
        for (Map.Entry<String, Long> e : other.entries.entrySet()) {
            if (get(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    public boolean covers(Dot dot) {
        return covers(dot.replica(), dot.seq());
    }

    /** Like {@link #covers(Dot)}, for callers holding the dot's parts (no object per check). */
    public boolean covers(String replica, long seq) {
        return get(replica) >= seq;
    }

    public ClockOrder compare(VectorClock other) {
        boolean geq = covers(other);
        boolean leq = other.covers(this);
        if (geq && leq) {
            return ClockOrder.EQUAL;
        }
        if (geq) {
            return ClockOrder.AFTER;
        }
        return leq ? ClockOrder.BEFORE : ClockOrder.CONCURRENT;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VectorClock other && entries.equals(other.entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
