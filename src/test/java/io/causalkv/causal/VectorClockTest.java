package io.causalkv.causal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VectorClockTest {

    private static VectorClock clock(Object... pairs) {
        VectorClock clock = VectorClock.EMPTY;
        for (int i = 0; i < pairs.length; i += 2) {
            clock = clock.with((String) pairs[i], ((Number) pairs[i + 1]).longValue());
        }
        return clock;
    }

    @Test
    void compareReportsEqualForTheSameHistory() {
        assertEquals(ClockOrder.EQUAL, VectorClock.EMPTY.compare(VectorClock.EMPTY));
        assertEquals(ClockOrder.EQUAL, clock("a", 2, "b", 1).compare(clock("b", 1, "a", 2)));
    }

    @Test
    void compareReportsBeforeAndAfterForAStrictlySmallerHistory() {
        VectorClock smaller = clock("a", 1, "b", 1);
        VectorClock larger = clock("a", 2, "b", 1);
        assertEquals(ClockOrder.BEFORE, smaller.compare(larger));
        assertEquals(ClockOrder.AFTER, larger.compare(smaller));
        // A replica missing from one side counts as zero.
        assertEquals(ClockOrder.BEFORE, clock("a", 1).compare(clock("a", 1, "c", 1)));
        assertEquals(ClockOrder.AFTER, clock("a", 1).compare(VectorClock.EMPTY));
    }

    @Test
    void compareReportsConcurrentWhenEachSideHasSomethingTheOtherLacks() {
        VectorClock left = clock("a", 2, "b", 1);
        VectorClock right = clock("a", 1, "b", 2);
        assertEquals(ClockOrder.CONCURRENT, left.compare(right));
        assertEquals(ClockOrder.CONCURRENT, right.compare(left));
        assertEquals(ClockOrder.CONCURRENT, clock("a", 1).compare(clock("b", 1)));
    }

    @Test
    void mergeIsTheEntryWiseMaximum() {
        VectorClock merged = clock("a", 3, "b", 1).merge(clock("b", 4, "c", 2));
        assertEquals(Map.of("a", 3L, "b", 4L, "c", 2L), merged.entries());
        assertEquals(3, merged.get("a"));
        assertEquals(0, merged.get("z"));
    }

    @Test
    void meetIsTheEntryWiseMinimumAndDropsWhatEitherLacks() {
        VectorClock met = clock("a", 3, "b", 1, "d", 5).meet(clock("a", 2, "b", 4, "c", 2));
        assertEquals(Map.of("a", 2L, "b", 1L), met.entries(), "d and c are 0 on one side");
        assertEquals(clock("a", 1), clock("a", 1).meet(clock("a", 2, "b", 1)), "the covered one itself");
        assertEquals(VectorClock.EMPTY, clock("a", 1).meet(VectorClock.EMPTY));
    }

    @Test
    void mergeIsCommutativeAssociativeAndIdempotent() {
        List<VectorClock> clocks = List.of(VectorClock.EMPTY, clock("a", 1), clock("a", 3, "b", 1),
                clock("b", 4, "c", 2), clock("a", 2, "c", 5));
        for (VectorClock x : clocks) {
            assertEquals(x, x.merge(x), "idempotent for " + x);
            assertEquals(x, x.merge(VectorClock.EMPTY), "EMPTY is a right identity for " + x);
            assertEquals(x, VectorClock.EMPTY.merge(x), "EMPTY is a left identity for " + x);
            for (VectorClock y : clocks) {
                assertEquals(x.merge(y), y.merge(x), "commutative for " + x + ", " + y);
                assertTrue(x.merge(y).covers(x) && x.merge(y).covers(y), "upper bound of " + x + ", " + y);
                for (VectorClock z : clocks) {
                    assertEquals(x.merge(y).merge(z), x.merge(y.merge(z)), "associative");
                }
            }
        }
    }

    @Test
    void zeroEntriesAreDroppedSoAnAllZeroClockEqualsEmpty() {
        VectorClock zero = VectorClock.of(Map.of("a", 0L));
        assertEquals(VectorClock.EMPTY, zero);
        assertEquals(VectorClock.EMPTY.hashCode(), zero.hashCode());
        assertTrue(zero.isEmpty());
        assertEquals(Map.of("b", 2L), VectorClock.of(Map.of("a", 0L, "b", 2L)).entries());
        assertEquals(clock("b", 2), VectorClock.of(Map.of("a", 0L, "b", 2L)));
    }

    @Test
    void withRaisesAnEntryButNeverLowersIt() {
        VectorClock clock = clock("a", 5);
        assertEquals(7, clock.with("a", 7).get("a"));
        assertSame(clock, clock.with("a", 3), "a lower count must leave the clock unchanged");
        assertSame(clock, clock.with("a", 5));
        assertEquals(5, clock.with("a", 3).get("a"));
        assertEquals(clock("a", 5, "b", 1), clock.with("b", 1));
        assertEquals(5, clock.get("a"), "the original clock is immutable");
        assertEquals(0, clock.get("b"));
    }

    @Test
    void withZeroDoesNotAddAnEntry() {
        assertEquals(VectorClock.EMPTY, VectorClock.EMPTY.with("a", 0));
        assertTrue(VectorClock.EMPTY.with("a", 0).entries().isEmpty());
    }

    @Test
    void coversDotWhenTheReplicaEntryReachesTheSequenceNumber() {
        VectorClock clock = clock("a", 3);
        assertTrue(clock.covers(new Dot("a", 1)));
        assertTrue(clock.covers(new Dot("a", 3)));
        assertFalse(clock.covers(new Dot("a", 4)));
        assertFalse(clock.covers(new Dot("b", 1)));
        assertFalse(VectorClock.EMPTY.covers(new Dot("a", 1)));
    }

    @Test
    void coversClockOnlyWhenEveryEntryIsAtLeastAsLarge() {
        assertTrue(clock("a", 2, "b", 2).covers(clock("a", 2, "b", 1)));
        assertTrue(clock("a", 1).covers(VectorClock.EMPTY));
        assertFalse(clock("a", 2).covers(clock("a", 2, "b", 1)));
        assertFalse(VectorClock.EMPTY.covers(clock("a", 1)));
    }

    @Test
    void negativeEntriesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> VectorClock.of(Map.of("a", -1L)));
        assertThrows(IllegalArgumentException.class, () -> VectorClock.of(Map.of("a", 2L, "b", -5L)));
    }

    @Test
    void equalClocksAreEqualWithTheSameHashCodeWhateverHowTheyWereBuilt() {
        VectorClock byWith = VectorClock.EMPTY.with("b", 2).with("a", 1);
        VectorClock byOf = VectorClock.of(Map.of("a", 1L, "b", 2L, "c", 0L));
        VectorClock byMerge = clock("a", 1).merge(clock("b", 2));
        assertEquals(byWith, byOf);
        assertEquals(byOf, byMerge);
        assertEquals(byWith.hashCode(), byOf.hashCode());
        assertEquals(byOf.hashCode(), byMerge.hashCode());
        assertEquals(List.of("a", "b"), List.copyOf(byWith.entries().keySet()), "entries are sorted");
        assertNotEquals(byWith, byWith.with("a", 2));
    }

    @Test
    void entriesViewCannotModifyTheClock() {
        VectorClock clock = clock("a", 1);
        assertThrows(UnsupportedOperationException.class, () -> clock.entries().put("a", 9L));
        assertEquals(1, clock.get("a"));
    }
}
