package io.causalkv.replication;

import io.causalkv.causal.VectorClock;
import java.util.List;

/**
 * Where a replica records each change to its state, under its lock and in its order, before the
 * change is shown or acknowledged (issue 18: a data directory). Without one ({@link #NONE}) the
 * state lives in memory only, as before. A change that cannot be recorded throws
 * {@link ChangeLogFailedException} and is not applied.
 */
public interface ChangeLog {

    ChangeLog NONE = new ChangeLog() {
        @Override
        public void write(Write write) {
        }

        @Override
        public void entries(List<StateDelta.KeyedEntry> entries, VectorClock clock) {
        }
    };

    /** A write applied: coordinated here or replicated. */
    void write(Write write);

    /**
     * Entries taken as they are (a sync's page, a hand-over); {@code clock} is what the replica
     * merged with them into its applied clock (null: nothing, more pages follow or none is given).
     */
    void entries(List<StateDelta.KeyedEntry> entries, VectorClock clock);

    /** Where the log ends after the last change recorded so far. */
    default long position() {
        return 0;
    }

    /**
     * Returns once the changes up to {@code position} are as durable as the log's policy
     * promises. Called outside the replica's lock, so writers share one fsync (group commit).
     */
    default void awaitDurable(long position) {
    }
}
