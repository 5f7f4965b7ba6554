package io.causalkv.causal;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A client's causal history: for one layout epoch, a vector clock per shard. A replica checks
 * only its own shard's clock (API.md 4.4). Histories from an older epoch are satisfied by
 * definition (a reshard completes only after every earlier write has moved), so merging keeps
 * only the newer epoch's clocks.
 *
 * <p>It also carries the highest Lamport time of the writes it depends on, whatever their epoch,
 * so that a write the client makes next is stamped later than all of them, even at a replica
 * that has not received them yet (a kvs-keys write accepted ahead of its dependencies): the
 * newest version of a key is then never one that its successor depends on.
 */
public final class CausalContext {

    public static final CausalContext EMPTY = new CausalContext(0, new TreeMap<>(), 0);

    /**
     * The highest Lamport time: far beyond any real one, and exact in a JSON number. Clients may
     * send any time up to it, so a write is stamped at most this (see {@code ShardReplica}): every
     * time the server issues is one it accepts back.
     */
    public static final long MAX_LAMPORT = 1L << 53;

    private final long epoch;
    private final SortedMap<Integer, VectorClock> shards;
    private final long lamport;

    private CausalContext(long epoch, SortedMap<Integer, VectorClock> shards, long lamport) {
        this.epoch = epoch;
        this.shards = shards;
        this.lamport = lamport;
    }

    /** A context; empty clocks are dropped, and a context without clocks is {@link #EMPTY}. */
    public static CausalContext of(long epoch, Map<Integer, VectorClock> shards) {
        return of(epoch, shards, 0);
    }

    /** A context with a Lamport time; without clocks or time it is {@link #EMPTY}. */
    public static CausalContext of(long epoch, Map<Integer, VectorClock> shards, long lamport) {
        TreeMap<Integer, VectorClock> copy = new TreeMap<>();
        shards.forEach((shard, clock) -> {
            if (!clock.isEmpty()) {
                copy.put(shard, clock);
            }
        });
        return copy.isEmpty() && lamport == 0 ? EMPTY : new CausalContext(epoch, copy, lamport);
    }

    /** The history of exactly one write. */
    public static CausalContext ofWrite(long epoch, int shard, Dot dot, long lamport) {
        return of(epoch, Map.of(shard, VectorClock.EMPTY.with(dot.replica(), dot.seq())), lamport);
    }

    /** The history of exactly one write, without its time. */
    public static CausalContext ofWrite(long epoch, int shard, Dot dot) {
        return ofWrite(epoch, shard, dot, 0);
    }

    /** The same clocks without the Lamport time (a stored write keeps its own time instead). */
    public CausalContext withoutLamport() {
        return lamport == 0 ? this : of(epoch, shards, 0);
    }

    /** The highest Lamport time of the writes this history depends on (0 if none is known). */
    public long lamport() {
        return lamport;
    }

    public long epoch() {
        return epoch;
    }

    public boolean isEmpty() {
        return shards.isEmpty() && lamport == 0;
    }

    public SortedMap<Integer, VectorClock> shards() {
        return Collections.unmodifiableSortedMap(shards);
    }

    /** This context's clock for a shard, as it applies in {@code currentEpoch}: empty if older. */
    public VectorClock clockFor(int shard, long currentEpoch) {
        return epoch < currentEpoch ? VectorClock.EMPTY : shards.getOrDefault(shard, VectorClock.EMPTY);
    }

    /** The same history without what it names of {@code replicas} in {@code shard}. */
    public CausalContext without(int shard, Set<String> replicas) {
        VectorClock clock = shards.get(shard);
        if (clock == null) {
            return this;
        }
        VectorClock kept = clock;
        for (String replica : replicas) {
            kept = kept.atMost(replica, 0);
        }
        if (kept == clock) {
            return this;
        }
        TreeMap<Integer, VectorClock> next = new TreeMap<>(shards);
        next.put(shard, kept);
        return of(epoch, next, lamport);
    }

    /** The clocks of every shard other than {@code shard}. */
    public CausalContext without(int shard) {
        if (!shards.containsKey(shard)) {
            return this;
        }
        TreeMap<Integer, VectorClock> copy = new TreeMap<>(shards);
        copy.remove(shard);
        return of(epoch, copy, lamport);
    }

    public CausalContext merge(CausalContext other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        long time = Math.max(lamport, other.lamport);
        if (other.epoch != epoch) {
            CausalContext newer = other.epoch > epoch ? other : this;
            return time == newer.lamport ? newer : new CausalContext(newer.epoch, newer.shards, time);
        }
        TreeMap<Integer, VectorClock> merged = new TreeMap<>(shards);
        other.shards.forEach((shard, clock) -> merged.merge(shard, clock, VectorClock::merge));
        return new CausalContext(epoch, merged, time);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CausalContext other && epoch == other.epoch && shards.equals(other.shards)
                && lamport == other.lamport;
    }

    @Override
    public int hashCode() {
        return (Long.hashCode(epoch) * 31 + shards.hashCode()) * 31 + Long.hashCode(lamport);
    }

    @Override
    public String toString() {
        return isEmpty() ? "{}" : "e" + epoch + "l" + lamport + shards;
    }
}
