package io.causalkv.replication;

import io.causalkv.causal.VectorClock;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Iterator;

/**
 * The causal-stability frontier of a shard, from its holders' applied clocks round after round
 * (issue 17: tombstones were never collected). A delete is stable once every holder has applied
 * it <em>and every write concurrent with it</em>, which could still arrive and lose to it: drop
 * the tombstone before those are everywhere, and the older value comes back where it lands.
 *
 * <p>Round j gives the floor F_j (entry-wise minimum of the holders' applied clocks) and the
 * merge M_j (maximum of what each has seen, held writes included). A write concurrent with a
 * delete in F_j was made at a holder before that holder applied the delete, so before its clock
 * of round j was read: it is in M_j. (A write of a node that holds no place any more, a dead
 * incarnation's, counts once some holder has it; see AntiEntropy for the rest.) Once a later floor
 * covers M_j, every holder has it too, so the deletes F_j covers are stable. A write made later
 * at any holder comes after it applied the delete, with a later time: it wins either way.
 * Rounds are kept a few at a time, so constant load (each M a little ahead of each F) still moves
 * the frontier, a round or two behind.
 */
final class StabilityFrontier {

    /** Rounds remembered: the frontier may trail by this many before it stalls. */
    static final int ROUNDS = 16;

    private record Round(VectorClock floor, VectorClock merged) {
    }

    private final Deque<Round> rounds = new ArrayDeque<>();

    /** Like {@link #advance(Collection, Collection)} when nothing is held unapplied. */
    VectorClock advance(Collection<VectorClock> applied) {
        return advance(applied, applied);
    }

    /**
     * Takes this round's clocks of every holder of the shard (this replica's included): what
     * each has applied, and what each has seen (applied, or held in a buffer or unseen: a write
     * held anywhere may be one that loses to a delete, and apply after it is gone). Returns the
     * clock that covers only stable writes (empty when none is known yet).
     */
    VectorClock advance(Collection<VectorClock> applied, Collection<VectorClock> seen) {
        VectorClock floor = null;
        VectorClock merged = VectorClock.EMPTY;
        for (VectorClock clock : applied) {
            floor = floor == null ? clock : floor.meet(clock);
        }
        for (VectorClock clock : seen) {
            merged = merged.merge(clock);
        }
        if (floor == null) {
            return VectorClock.EMPTY;
        }
        VectorClock stable = VectorClock.EMPTY;
        // The newest earlier round whose merge this floor covers; it and every older one are done.
        for (Iterator<Round> newestFirst = rounds.descendingIterator(); newestFirst.hasNext(); ) {
            Round round = newestFirst.next();
            if (floor.covers(round.merged())) {
                stable = round.floor();
                while (rounds.peekFirst() != round) {
                    rounds.removeFirst();
                }
                break;
            }
        }
        rounds.addLast(new Round(floor, merged));
        if (rounds.size() > ROUNDS) {
            rounds.removeFirst();
        }
        return stable;
    }

    /** Forgets every round: a holder's clock is unknown, so nothing learned before says enough. */
    void reset() {
        rounds.clear();
    }
}
