package io.causalkv.causal;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A client's causal history: for one layout epoch, a vector clock per shard. A replica checks
 * only its own shard's clock (API.md 4.4). Histories from an older epoch are satisfied by
 * definition (a reshard completes only after every earlier write has moved), so merging keeps
 * only the newer epoch.
 */
public final class CausalContext {

    public static final CausalContext EMPTY = new CausalContext(0, new TreeMap<>());

    private final long epoch;
    private final SortedMap<Integer, VectorClock> shards;

    private CausalContext(long epoch, SortedMap<Integer, VectorClock> shards) {
        this.epoch = epoch;
        this.shards = shards;
    }

    /** A context; empty clocks are dropped, and a context without clocks is {@link #EMPTY}. */
    public static CausalContext of(long epoch, Map<Integer, VectorClock> shards) {
        TreeMap<Integer, VectorClock> copy = new TreeMap<>();
        shards.forEach((shard, clock) -> {
            if (!clock.isEmpty()) {
                copy.put(shard, clock);
            }
        });
        return copy.isEmpty() ? EMPTY : new CausalContext(epoch, copy);
    }

    /** The history of exactly one write. */
    public static CausalContext ofWrite(long epoch, int shard, Dot dot) {
        return of(epoch, Map.of(shard, VectorClock.EMPTY.with(dot.replica(), dot.seq())));
    }

    public long epoch() {
        return epoch;
    }

    public boolean isEmpty() {
        return shards.isEmpty();
    }

    public SortedMap<Integer, VectorClock> shards() {
        return Collections.unmodifiableSortedMap(shards);
    }

    /** This context's clock for a shard, as it applies in {@code currentEpoch}: empty if older. */
    public VectorClock clockFor(int shard, long currentEpoch) {
        return epoch < currentEpoch ? VectorClock.EMPTY : shards.getOrDefault(shard, VectorClock.EMPTY);
    }

    /** The clocks of every shard other than {@code shard}. */
    public CausalContext without(int shard) {
        if (!shards.containsKey(shard)) {
            return this;
        }
        TreeMap<Integer, VectorClock> copy = new TreeMap<>(shards);
        copy.remove(shard);
        return of(epoch, copy);
    }

    public CausalContext merge(CausalContext other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty() || other.epoch > epoch) {
            return other;
        }
        if (other.epoch < epoch) {
            return this;
        }
        TreeMap<Integer, VectorClock> merged = new TreeMap<>(shards);
        other.shards.forEach((shard, clock) -> merged.merge(shard, clock, VectorClock::merge));
        return new CausalContext(epoch, merged);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CausalContext other && epoch == other.epoch && shards.equals(other.shards);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(epoch) * 31 + shards.hashCode();
    }

    @Override
    public String toString() {
        return isEmpty() ? "{}" : "e" + epoch + shards;
    }
}
