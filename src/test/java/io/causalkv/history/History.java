package io.causalkv.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every client operation of a run, recorded by the sessions as they complete. Thread-safe; the
 * clock is {@link System#nanoTime()} measured from the history's start, so invoke and
 * completion times of all sessions are comparable.
 */
public final class History {

    private final long origin;
    private final List<Op> ops = new ArrayList<>();

    public History() {
        this(System.nanoTime());
    }

    private History(long origin) {
        this.origin = origin;
    }

    /** A history made by hand (unit tests), its times given directly. */
    public static History of(List<Op> ops) {
        History history = new History(0);
        ops.forEach(history::add);
        return history;
    }

    /** Now, on this history's clock. */
    public long now() {
        return System.nanoTime() - origin;
    }

    public synchronized void add(Op op) {
        ops.add(op);
    }

    /** Every operation, in the order of invocation. */
    public synchronized List<Op> ops() {
        List<Op> sorted = new ArrayList<>(ops);
        sorted.sort(Comparator.comparingLong(Op::invokedNanos));
        return sorted;
    }

    /** Each session's operations in its own order. */
    public synchronized Map<String, List<Op>> bySession() {
        Map<String, List<Op>> sessions = new LinkedHashMap<>();
        List<Op> ordered = new ArrayList<>(ops);
        ordered.sort(Comparator.comparing(Op::session).thenComparingInt(Op::index));
        for (Op op : ordered) {
            sessions.computeIfAbsent(op.session(), s -> new ArrayList<>()).add(op);
        }
        return sessions;
    }

    public synchronized int size() {
        return ops.size();
    }

    /** Counts by kind and outcome, e.g. {@code PUT OK=120}, for reports. */
    public synchronized Map<String, Integer> counts() {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (Op op : ops) {
            counts.merge(op.kind() + " " + op.outcome(), 1, Integer::sum);
        }
        return counts;
    }
}
