package io.causalkv.causal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CausalContextTest {

    private static VectorClock clock(String replica, long count) {
        return VectorClock.EMPTY.with(replica, count);
    }

    @Test
    void mergeWithinOneEpochMergesTheClocksShardByShard() {
        CausalContext left = CausalContext.of(4, Map.of(0, clock("a", 3).with("b", 1), 1, clock("x", 2)));
        CausalContext right = CausalContext.of(4, Map.of(0, clock("b", 5), 2, clock("y", 1)));

        CausalContext merged = left.merge(right);

        assertEquals(4, merged.epoch());
        assertEquals(Map.of(0, clock("a", 3).with("b", 5), 1, clock("x", 2), 2, clock("y", 1)), merged.shards());
        assertEquals(merged, right.merge(left), "merge within an epoch is commutative");
        assertEquals(merged, merged.merge(left), "merging a contained history changes nothing");
    }

    @Test
    void aNewerEpochReplacesAnOlderOneEntirelyInBothArgumentOrders() {
        CausalContext older = CausalContext.of(1, Map.of(0, clock("a", 9), 1, clock("b", 9)));
        CausalContext newer = CausalContext.of(2, Map.of(0, clock("c", 1)));

        assertEquals(newer, older.merge(newer));
        assertEquals(newer, newer.merge(older));
        assertEquals(2, older.merge(newer).epoch());
        assertEquals(Map.of(0, clock("c", 1)), newer.merge(older).shards(),
                "no clock of the older epoch may leak into the newer one");
    }

    @Test
    void clockForAnOlderEpochIsEmptyAndForTheCurrentEpochIsTheShardClock() {
        CausalContext context = CausalContext.of(3, Map.of(0, clock("a", 2), 1, clock("b", 1)));

        assertEquals(clock("a", 2), context.clockFor(0, 3));
        assertEquals(clock("b", 1), context.clockFor(1, 3));
        assertEquals(VectorClock.EMPTY, context.clockFor(7, 3), "a shard the context does not name");
        assertEquals(VectorClock.EMPTY, context.clockFor(0, 4), "the context's epoch is older");
        assertEquals(VectorClock.EMPTY, context.clockFor(1, 10));
    }

    @Test
    void withoutDropsOnlyTheGivenShard() {
        CausalContext context = CausalContext.of(3, Map.of(0, clock("a", 2), 1, clock("b", 1)));

        CausalContext rest = context.without(0);

        assertEquals(CausalContext.of(3, Map.of(1, clock("b", 1))), rest);
        assertEquals(3, rest.epoch());
        assertSame(context, context.without(5), "removing an absent shard changes nothing");
        assertEquals(CausalContext.EMPTY, rest.without(1), "removing the last shard leaves EMPTY");
        assertEquals(2, context.shards().size(), "the original context is immutable");
    }

    @Test
    void emptyIsAnIdentityForMergeInBothOrders() {
        CausalContext context = CausalContext.of(5, Map.of(2, clock("a", 1)));

        assertEquals(context, context.merge(CausalContext.EMPTY));
        assertEquals(context, CausalContext.EMPTY.merge(context));
        assertEquals(CausalContext.EMPTY, CausalContext.EMPTY.merge(CausalContext.EMPTY));
        // A context whose clocks are all empty is EMPTY, and behaves as the identity too.
        CausalContext hollow = CausalContext.of(9, Map.of(0, VectorClock.EMPTY));
        assertEquals(CausalContext.EMPTY, hollow);
        assertTrue(hollow.isEmpty());
        assertEquals(context, context.merge(hollow));
        assertEquals(context, hollow.merge(context));
    }

    @Test
    void ofWriteIsTheHistoryOfExactlyThatOneDot() {
        CausalContext context = CausalContext.ofWrite(7, 3, new Dot("b", 4));

        assertEquals(7, context.epoch());
        assertEquals(Map.of(3, clock("b", 4)), context.shards());
        assertEquals(clock("b", 4), context.clockFor(3, 7));
        assertTrue(context.clockFor(3, 7).covers(new Dot("b", 4)));
    }

    @Test
    void equalContextsAreEqualWithTheSameHashCode() {
        CausalContext merged = CausalContext.ofWrite(2, 0, new Dot("a", 1))
                .merge(CausalContext.ofWrite(2, 1, new Dot("b", 2)));
        CausalContext built = CausalContext.of(2, Map.of(0, clock("a", 1), 1, clock("b", 2)));
        assertEquals(built, merged);
        assertEquals(built.hashCode(), merged.hashCode());
    }
}
