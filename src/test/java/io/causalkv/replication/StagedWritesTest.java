package io.causalkv.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.causal.CausalContext;
import io.causalkv.causal.Dot;
import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.NodeAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StagedWritesTest {

    private static final NodeAddress A = NodeAddress.parse("127.0.0.1:1");
    private static final NodeAddress B = NodeAddress.parse("127.0.0.1:2");

    private static Write write(String replica, long seq, int valueChars) {
        return new Write("k" + seq, "\"" + "v".repeat(valueChars) + "\"", new Dot(replica, seq), seq, VectorClock.EMPTY,
                CausalContext.EMPTY);
    }

    @Test
    void heldWritesAreBoundedByBytesAndCountAndReleasedInOrderPerOrigin() {
        long one = write("a", 1, 1_000).encodedSize();
        StagedWrites staged = new StagedWrites(100, 3 * one);
        assertTrue(staged.stage(A, write("a", 2, 1_000)));
        assertTrue(staged.stage(A, write("a", 1, 1_000)));
        assertTrue(staged.stage(B, write("b", 1, 1_000)));
        assertFalse(staged.stage(B, write("b", 2, 1_000)), "over the bytes");
        assertTrue(staged.stage(A, write("a", 1, 1_000)), "one already held is taken again");
        assertEquals(3, staged.size());
        assertTrue(staged.holds("a", 1) && staged.holds("a", 2) && staged.holds("b", 1));
        assertFalse(staged.holds("a", 3));
        assertFalse(staged.holds("c", 1), "nothing of c's");

        List<Write> shown = new ArrayList<>();
        staged.release(A::equals, delta -> { }, shown::add);
        assertEquals(List.of(write("a", 1, 1_000), write("a", 2, 1_000)), shown, "in order");
        assertEquals(1, staged.size());
        assertEquals(one, staged.bytes());
        assertTrue(staged.holds("b", 1) && !staged.holds("a", 1) && !staged.holds("a", 2), "only B's write is still held");
    }

    @Test
    void aWriteTheReplicaCannotTakeStaysHeldWithThoseAfterIt() {
        StagedWrites staged = new StagedWrites(100, Long.MAX_VALUE);
        staged.stage(A, write("a", 1, 10));
        staged.stage(A, write("a", 2, 10));
        List<Write> shown = new ArrayList<>();
        staged.release(node -> true, delta -> { }, w -> w.dot().seq() == 1 && shown.add(w));
        assertEquals(1, shown.size());
        assertEquals(1, staged.size(), "a:2 was refused: still held");
        assertTrue(staged.holds("a", 2));
    }
}
