package io.causalkv.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.causal.CausalContext;
import io.causalkv.causal.Dot;
import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.NodeAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StagedWritesTest {

    private static final NodeAddress A = NodeAddress.parse("127.0.0.1:1");
    private static final NodeAddress B = NodeAddress.parse("127.0.0.1:2");

    private static Write write(String replica, long seq) {
        return new Write("k", "1", new Dot(replica, seq), seq, VectorClock.EMPTY, CausalContext.EMPTY);
    }

    @Test
    void releasesOnlyTheSendersItIsToldToInTheOrderTheirWritesCame() {
        StagedWrites staged = new StagedWrites();
        assertTrue(staged.stage(A, List.of(write("a", 1), write("a", 2))));
        assertTrue(staged.stage(B, List.of(write("b", 1))));
        assertTrue(staged.stage(A, List.of(write("a", 3))));
        assertEquals(4, staged.size());

        Map<NodeAddress, List<Write>> released = staged.release(A::equals);
        assertEquals(Map.of(A, List.of(write("a", 1), write("a", 2), write("a", 3))), released);
        assertEquals(1, staged.size(), "B's write stays until B may be applied");
        assertEquals(Map.of(), staged.release(sender -> false));
        assertEquals(Map.of(B, List.of(write("b", 1))), staged.release(sender -> true));
        assertEquals(0, staged.size());
    }

    @Test
    void refusesWhatWouldGoOverItsBoundAndKeepsNothingOfIt() {
        StagedWrites staged = new StagedWrites();
        List<Write> full = new ArrayList<>(Collections.nCopies(StagedWrites.CAPACITY_PER_SENDER, write("a", 1)));
        assertTrue(staged.stage(A, full));
        assertFalse(staged.stage(A, List.of(write("a", 2))), "the sender keeps it and retries later");
        assertEquals(StagedWrites.CAPACITY_PER_SENDER, staged.size());
        assertTrue(staged.stage(B, List.of(write("b", 1))), "the bound is per sender");
    }
}
