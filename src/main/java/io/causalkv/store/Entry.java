package io.causalkv.store;

import io.causalkv.causal.CausalContext;
import io.causalkv.causal.Dot;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The latest version of one key: its value as compact JSON text, or null for a tombstone; the
 * write that made it (its dot and Lamport time); and the write's causal history in other shards
 * ({@code foreign}, usually empty). Its history in its own shard is implied by the dot, because
 * writes are applied in causal order.
 *
 * <p>A replica holds one of these per key, so it is laid out for size rather than convenience: the
 * value is kept as UTF-8 bytes (a {@code String} would add its own 24-byte object) and the dot's
 * two fields are inlined (a {@link Dot} object per key would add 24 more). See docs/PERFORMANCE.md.
 */
public final class Entry {

    private final byte[] value;
    private final String replica;
    private final long seq;
    private final long lamport;
    private final CausalContext foreign;

    public Entry(String value, Dot dot, long lamport, CausalContext foreign) {
        this(value == null ? null : value.getBytes(StandardCharsets.UTF_8), dot.replica(), dot.seq(), lamport, foreign);
    }

    private Entry(byte[] value, String replica, long seq, long lamport, CausalContext foreign) {
        this.value = value;
        this.replica = replica;
        this.seq = seq;
        this.lamport = lamport;
        this.foreign = Objects.requireNonNull(foreign);
    }

    /** The same entry with an equal history (a shared instance of it), its value not copied. */
    public Entry withForeign(CausalContext equalHistory) {
        return new Entry(value, replica, seq, lamport, equalHistory);
    }

    /** The value's JSON text, or null for a tombstone (decoded on each call: reads are rarer than keys). */
    public String value() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /** The bytes of the value's UTF-8 JSON text (0 for a tombstone), without decoding it. */
    public int valueBytes() {
        return value == null ? 0 : value.length;
    }

    public boolean isLive() {
        return value != null;
    }

    public Dot dot() {
        return new Dot(replica, seq);
    }

    /** The replica that coordinated the write (the dot's replica, without making a {@link Dot}). */
    public String replica() {
        return replica;
    }

    /** The write's sequence number at its replica (the dot's, without making a {@link Dot}). */
    public long seq() {
        return seq;
    }

    public long lamport() {
        return lamport;
    }

    public CausalContext foreign() {
        return foreign;
    }

    /**
     * The deterministic winner among versions of one key: a causally later write always has a
     * higher Lamport time; concurrent writes are ordered by Lamport time, then replica id, the
     * same way on every replica.
     */
    public boolean supersedes(Entry other) {
        if (other == null) {
            return true;
        }
        if (lamport != other.lamport) {
            return lamport > other.lamport;
        }
        int byReplica = replica.compareTo(other.replica);
        return byReplica != 0 ? byReplica > 0 : seq > other.seq;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Entry other && seq == other.seq && lamport == other.lamport && replica.equals(other.replica)
                && Arrays.equals(value, other.value) && foreign.equals(other.foreign);
    }

    @Override
    public int hashCode() {
        return Objects.hash(replica, seq, lamport);
    }

    @Override
    public String toString() {
        return "Entry[" + replica + ":" + seq + " l=" + lamport + (value == null ? " tombstone" : " " + value()) + "]";
    }
}
