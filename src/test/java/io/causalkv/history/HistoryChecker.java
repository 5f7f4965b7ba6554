package io.causalkv.history;

import io.causalkv.history.Op.Kind;
import io.causalkv.history.Op.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a {@link History} (and the replicas' {@link FinalState} after the heal) for the three
 * guarantees of issue 8:
 *
 * <ol type="a">
 * <li><b>No acknowledged write lost.</b> Every replica's final reading of a key is the effect of
 * a write that may have happened (acknowledged or indeterminate; "no value" is a delete or the
 * initial state), and that write does not <em>precede</em> an acknowledged write of the key. So
 * a key whose last acknowledged write W follows every other write of the key must end as W.</li>
 * <li><b>No causal violation.</b> A session never reads a version of a key that precedes one it
 * already depends on (its own writes: read-your-writes; what it read: monotonic reads; what those
 * depended on: causal reads), nor "no value" when every delete of the key precedes a version it
 * depends on; nor a value that was never written, written after the read, or refused.</li>
 * <li><b>Convergence.</b> All replicas of a key read the same, and did so within the bound after
 * the heal.</li>
 * </ol>
 *
 * <p><b>Precedence.</b> Write X precedes write Y when Y causally depends on X: X was the same
 * session's earlier acknowledged write, or the session had read X (or anything that depended on
 * X) before writing Y. That is what the server's metadata carries, and the only order a causal
 * store promises for the final state: two writes with no causal path between them are concurrent
 * and either may win (API.md 4.4). {@link Precedence#CAUSAL_OR_REAL_TIME} also lets an
 * acknowledged X precede every write invoked after X completed, for stores that promise a
 * real-time (last-writer-wins by wall time) final state; causalkv does not.
 */
public final class HistoryChecker {

    public enum Precedence { CAUSAL, CAUSAL_OR_REAL_TIME }

    public static final Duration CONVERGENCE_BOUND = Duration.ofSeconds(5);

    private final Precedence precedence;
    private final Duration convergenceBound;

    public HistoryChecker(Precedence precedence, Duration convergenceBound) {
        this.precedence = precedence;
        this.convergenceBound = convergenceBound;
    }

    /** Causal precedence, replicas converged within 5 s of the heal (API.md 10.2). */
    public static HistoryChecker causal() {
        return new HistoryChecker(Precedence.CAUSAL, CONVERGENCE_BOUND);
    }

    /** Checks (b) only: the sessions' reads. */
    public List<Violation> check(History history) {
        return new Analysis(history).sessions();
    }

    /** Checks (a), (b) and (c). */
    public List<Violation> check(History history, FinalState end) {
        Analysis analysis = new Analysis(history);
        List<Violation> violations = new ArrayList<>(analysis.sessions());
        violations.addAll(analysis.finalState(end));
        return violations;
    }

    /**
     * (d) The operations of a history that took longer than {@code bound}, answered or not: for
     * a load whose links to the nodes no fault touches, a request held that long was held by
     * the server (API.md 10.6).
     */
    public static List<Violation> slowAnswers(History history, Duration bound) {
        return history.ops().stream().filter(op -> op.durationNanos() > bound.toNanos())
                .map(op -> new Violation(Violation.Kind.SLOW_ANSWER, op.durationNanos() / 1_000_000
                        + " ms, over the bound of " + bound.toMillis() + " ms: " + op.describe()))
                .toList();
    }

    /** The writes of a history, their causal dependencies, and the checks that use them. */
    private final class Analysis {

        private final Map<String, List<Op>> sessions;
        /** Writes that may have taken effect (acknowledged or indeterminate), numbered. */
        private final List<Op> writes = new ArrayList<>();
        private final Map<Op, Integer> writeIndex = new HashMap<>();
        private final Map<String, Integer> putByValue = new HashMap<>();
        private final Map<String, Op> refusedPutByValue = new HashMap<>();
        private final Map<String, BitSet> writesOfKey = new HashMap<>();
        /** Per write: every write it causally depends on (transitively), once resolved. */
        private BitSet[] deps;
        private final List<Violation> sessionViolations = new ArrayList<>();

        Analysis(History history) {
            this.sessions = history.bySession();
            for (Op op : history.ops()) {
                if (op.kind() == Kind.PUT && op.outcome() == Outcome.FAILED) {
                    refusedPutByValue.put(op.value(), op);
                }
                if (!op.mayHaveWritten()) {
                    continue;
                }
                int index = writes.size();
                writes.add(op);
                writeIndex.put(op, index);
                writesOfKey.computeIfAbsent(op.key(), k -> new BitSet()).set(index);
                if (op.kind() == Kind.PUT && putByValue.put(op.value(), index) != null) {
                    throw new IllegalArgumentException("two writes of the value " + op.value()
                            + ": values must be unique for reads to name their write");
                }
            }
            deps = new BitSet[writes.size()];
            resolve();
        }

        List<Violation> sessions() {
            return sessionViolations;
        }

        /**
         * Walks every session in its own order, each as far as it can: a read of another
         * session's write waits until that write's dependencies are known. Real histories always
         * finish (a read completes after the write it reads was invoked); a hand-made one with a
         * cycle is reported and the cycle broken.
         */
        private void resolve() {
            List<String> names = new ArrayList<>(sessions.keySet());
            Map<String, SessionState> states = new LinkedHashMap<>();
            names.forEach(name -> states.put(name, new SessionState()));
            int remaining = sessions.values().stream().mapToInt(List::size).sum();
            while (remaining > 0) {
                int progress = 0;
                for (String name : names) {
                    List<Op> ops = sessions.get(name);
                    SessionState state = states.get(name);
                    while (state.cursor < ops.size() && !waitsForAnotherSession(ops.get(state.cursor))) {
                        apply(state, ops.get(state.cursor), false);
                        state.cursor++;
                        progress++;
                    }
                }
                if (progress == 0) {
                    breakCycle(names, states);
                    progress = 1;
                }
                remaining -= progress;
            }
        }

        private boolean waitsForAnotherSession(Op op) {
            Integer read = readWrite(op);
            return read != null && deps[read] == null && !writes.get(read).session().equals(op.session());
        }

        private void breakCycle(List<String> names, Map<String, SessionState> states) {
            for (String name : names) {
                SessionState state = states.get(name);
                List<Op> ops = sessions.get(name);
                if (state.cursor < ops.size()) {
                    Op op = ops.get(state.cursor);
                    sessionViolations.add(new Violation(Violation.Kind.CAUSAL_CYCLE, op.describe()
                            + " read a write that (transitively) depends on this read"));
                    apply(state, op, true);
                    state.cursor++;
                    return;
                }
            }
        }

        /** The write an observation read (a PUT of its value), or null. */
        private Integer readWrite(Op op) {
            if (!op.isObservation() || op.observed() == null) {
                return null;
            }
            return putByValue.get(op.observed());
        }

        private void apply(SessionState state, Op op, boolean cycle) {
            if (op.mayHaveWritten()) {
                int index = writeIndex.get(op);
                deps[index] = (BitSet) state.known.clone();
                if (op.outcome() == Outcome.OK) {
                    state.known.set(index);
                    state.own.set(index);
                }
                return;
            }
            if (!op.isObservation()) {
                return;
            }
            String value = op.observed();
            if (value == null) {
                checkAbsentRead(state, op);
                return;
            }
            Integer read = putByValue.get(value);
            if (read == null) {
                Op refused = refusedPutByValue.get(value);
                sessionViolations.add(refused != null
                        ? new Violation(Violation.Kind.FAILED_WRITE_VISIBLE, op.describe() + " read the value of a refused write: " + refused.describe())
                        : new Violation(Violation.Kind.PHANTOM_VALUE, op.describe() + " read a value no write wrote"));
                return;
            }
            Op write = writes.get(read);
            if (!write.key().equals(op.key())) {
                sessionViolations.add(new Violation(Violation.Kind.PHANTOM_VALUE,
                        op.describe() + " read the value written to another key: " + write.describe()));
                return;
            }
            if (write.invokedNanos() > op.completedNanos() || (write.session().equals(op.session()) && write.index() > op.index())) {
                sessionViolations.add(new Violation(Violation.Kind.FUTURE_READ,
                        op.describe() + " read a write invoked after it completed: " + write.describe()));
                return;
            }
            Integer newer = supersedingKnown(state, op.key(), read);
            if (newer != null) {
                sessionViolations.add(new Violation(staleKind(state, newer), op.describe() + " read " + write.describe()
                        + ", which precedes " + writes.get(newer).describe() + " that the session already depended on"));
            }
            state.known.set(read);
            state.read.set(read);
            if (!cycle && deps[read] != null) {
                state.known.or(deps[read]);
            }
        }

        /**
         * "No value" is fine if the initial state or some delete of the key may explain it
         * without preceding a version the session depends on.
         */
        private void checkAbsentRead(SessionState state, Op op) {
            BitSet ofKey = writesOfKey.getOrDefault(op.key(), new BitSet());
            BitSet knownOfKey = (BitSet) ofKey.clone();
            knownOfKey.and(state.known);
            if (knownOfKey.isEmpty()) {
                return; // the initial state explains it
            }
            Integer supersededBy = null;
            for (int d = ofKey.nextSetBit(0); d >= 0; d = ofKey.nextSetBit(d + 1)) {
                Op delete = writes.get(d);
                if (delete.kind() != Kind.DELETE || delete.invokedNanos() > op.completedNanos()) {
                    continue;
                }
                Integer newer = supersedingKnown(state, op.key(), d);
                if (newer == null) {
                    return; // this delete explains it
                }
                supersededBy = newer;
            }
            if (supersededBy == null) {
                supersededBy = knownOfKey.length() - 1;
            }
            sessionViolations.add(new Violation(staleKind(state, supersededBy), op.describe()
                    + " found no value, although the session already depended on " + writes.get(supersededBy).describe()
                    + " and no delete of the key may have followed it"));
        }

        /** A write of {@code key} the session depends on that {@code write} causally precedes, or null. */
        private Integer supersedingKnown(SessionState state, String key, int write) {
            BitSet ofKey = writesOfKey.get(key);
            for (int x = state.known.nextSetBit(0); x >= 0; x = state.known.nextSetBit(x + 1)) {
                if (x != write && ofKey != null && ofKey.get(x) && deps[x] != null && deps[x].get(write)) {
                    return x;
                }
            }
            return null;
        }

        private Violation.Kind staleKind(SessionState state, int newer) {
            if (state.own.get(newer)) {
                return Violation.Kind.READ_YOUR_WRITES;
            }
            return state.read.get(newer) ? Violation.Kind.MONOTONIC_READS : Violation.Kind.CAUSAL_READ;
        }

        // ---- (a) and (c): the replicas after the heal ---------------------------------------

        List<Violation> finalState(FinalState end) {
            List<Violation> violations = new ArrayList<>();
            for (String key : writesOfKey.keySet()) {
                boolean acknowledged = writesOfKey.get(key).stream().anyMatch(w -> writes.get(w).isAcknowledgedWrite());
                if (acknowledged && !end.readings().containsKey(key)) {
                    violations.add(new Violation(Violation.Kind.KEY_NOT_READ, key + " has acknowledged writes but no final reading"));
                }
            }
            for (Map.Entry<String, Map<String, FinalState.Reading>> e : end.readings().entrySet()) {
                String key = e.getKey();
                for (Map.Entry<String, FinalState.Reading> replica : e.getValue().entrySet()) {
                    violations.addAll(finalReading(key, replica.getKey(), replica.getValue()));
                }
                if (e.getValue().values().stream().distinct().count() > 1) {
                    violations.add(new Violation(Violation.Kind.DIVERGENT_REPLICAS,
                            key + ": replicas disagree after the heal: " + e.getValue()));
                }
            }
            String lastApart = end.lastDisagreement().map(what -> "; last apart " + what).orElse("");
            if (end.convergedAfter().isEmpty()) {
                violations.add(new Violation(Violation.Kind.SLOW_CONVERGENCE, "the replicas never agreed on every key after the heal"
                        + lastApart));
            } else if (end.convergedAfter().get().compareTo(convergenceBound) > 0) {
                // Agreed after the bound. Seen apart within it, then agreed at the next look:
                // within the polling's resolution. Seen apart after it: slow. Never seen apart
                // (the first look came late, after a slow request of the load): the bound was
                // not measured, which is a failure too, said as such.
                Optional<Duration> apartAfter = end.lastApartAfter();
                if (apartAfter.isEmpty()) {
                    violations.add(new Violation(Violation.Kind.SLOW_CONVERGENCE, "the first look at the replicas came only "
                            + end.convergedAfter().get().toMillis() + " ms after the heal (found them agreed): convergence within "
                            + convergenceBound.toMillis() + " ms was not measured"));
                } else if (apartAfter.get().compareTo(convergenceBound) > 0) {
                    violations.add(new Violation(Violation.Kind.SLOW_CONVERGENCE, "the replicas agreed on every key "
                            + end.convergedAfter().get().toMillis() + " ms after the heal, over the bound of " + convergenceBound.toMillis() + " ms"
                            + lastApart));
                }
            }
            return violations;
        }

        private List<Violation> finalReading(String key, String replica, FinalState.Reading reading) {
            String where = key + " at " + replica;
            if (!reading.readable()) {
                return List.of(new Violation(Violation.Kind.UNREADABLE_REPLICA, where + " answered " + reading));
            }
            BitSet ofKey = writesOfKey.getOrDefault(key, new BitSet());
            List<Integer> explanations = new ArrayList<>();
            boolean initial = false;
            if (reading.absentValue()) {
                initial = true;
                for (int w = ofKey.nextSetBit(0); w >= 0; w = ofKey.nextSetBit(w + 1)) {
                    if (writes.get(w).kind() == Kind.DELETE) {
                        explanations.add(w);
                    }
                }
            } else {
                Integer write = putByValue.get(reading.value());
                if (write == null || !writes.get(write).key().equals(key)) {
                    Op refused = refusedPutByValue.get(reading.value());
                    return List.of(refused != null && refused.key().equals(key)
                            ? new Violation(Violation.Kind.FAILED_WRITE_VISIBLE, where + " holds the value of a refused write: " + refused.describe())
                            : new Violation(Violation.Kind.PHANTOM_VALUE, where + " holds " + reading + ", which no write of the key wrote"));
                }
                explanations.add(write);
            }
            Integer supersededBy = null;
            if (initial) {
                supersededBy = firstAcknowledged(ofKey);
                if (supersededBy == null) {
                    return List.of(); // nothing acknowledged: the initial state is fine
                }
            }
            for (int candidate : explanations) {
                Integer later = acknowledgedSuccessor(ofKey, candidate);
                if (later == null) {
                    return List.of();
                }
                supersededBy = later;
            }
            String held = reading.absentValue() ? "no value" : writes.get(explanations.get(0)).describe();
            return List.of(new Violation(Violation.Kind.LOST_WRITE, where + " ends with " + held
                    + ", but the acknowledged " + writes.get(supersededBy).describe() + " follows it"));
        }

        private Integer firstAcknowledged(BitSet ofKey) {
            for (int w = ofKey.nextSetBit(0); w >= 0; w = ofKey.nextSetBit(w + 1)) {
                if (writes.get(w).isAcknowledgedWrite()) {
                    return w;
                }
            }
            return null;
        }

        /** An acknowledged write of the key that {@code candidate} precedes, or null. */
        private Integer acknowledgedSuccessor(BitSet ofKey, int candidate) {
            for (int w = ofKey.nextSetBit(0); w >= 0; w = ofKey.nextSetBit(w + 1)) {
                if (w != candidate && writes.get(w).isAcknowledgedWrite() && precedes(candidate, w)) {
                    return w;
                }
            }
            return null;
        }

        private boolean precedes(int x, int y) {
            if (deps[y] != null && deps[y].get(x)) {
                return true;
            }
            Op first = writes.get(x);
            return precedence == Precedence.CAUSAL_OR_REAL_TIME && first.outcome() == Outcome.OK
                    && first.completedNanos() < writes.get(y).invokedNanos();
        }
    }

    /** What one session depends on, as the checker walks it. */
    private static final class SessionState {
        int cursor;
        final BitSet known = new BitSet();
        final BitSet own = new BitSet();
        final BitSet read = new BitSet();
    }

    @Override
    public String toString() {
        return "HistoryChecker(" + precedence + ", " + Objects.toString(convergenceBound) + ")";
    }
}
