package io.causalkv.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterMapTest {

    private static final NodeAddress A = NodeAddress.parse("10.0.0.1:8090");
    private static final NodeAddress B = NodeAddress.parse("10.0.0.2:8090");
    private static final NodeAddress C = NodeAddress.parse("10.0.0.3:8090");
    private static final NodeAddress D = NodeAddress.parse("10.0.0.4:8090");

    @Test
    void theInitialMapKeepsTheViewOrder() {
        assertEquals(List.of(C, A, B), ClusterMap.initial(List.of(C, A, B)).members());
    }

    @Test
    void concurrentChangesAtDifferentNodesAreBothKept() {
        ClusterMap start = ClusterMap.initial(List.of(A, B, C));
        ClusterMap atA = start.withoutMember(C, false);   // A's failure detector removes C
        ClusterMap atB = start.withMember(D);             // meanwhile B admits D
        assertEquals(List.of(A, B, D), atA.merge(atB).members());
        assertEquals(atA.merge(atB), atB.merge(atA));
    }

    @Test
    void mergeIsIdempotentAndAnUnchangedMergeIsTheSameObject() {
        ClusterMap map = ClusterMap.initial(List.of(A, B)).withMember(C);
        assertSame(map, map.merge(map));
        assertSame(map, map.merge(ClusterMap.initial(List.of(A, B))));
    }

    @Test
    void aRemovalWinsAgainstTheSameVersionStillAlive() {
        ClusterMap start = ClusterMap.initial(List.of(A, B));
        assertFalse(start.merge(start.withoutMember(B, false)).isMember(B));
        assertFalse(start.withoutMember(B, false).merge(start).isMember(B));
    }

    @Test
    void aRemovedNodeThatRejoinsIsAppendedAgainAndWinsOverItsRemoval() {
        ClusterMap removed = ClusterMap.initial(List.of(A, B, C)).withoutMember(A, false);
        ClusterMap rejoined = removed.withMember(A);
        assertEquals(List.of(B, C, A), rejoined.members());
        assertEquals(List.of(B, C, A), removed.merge(rejoined).members());
        assertEquals(ClusterMap.Status.ALIVE, rejoined.entry(A).status());
    }

    @Test
    void aDepartureByRequestIsMarkedDeparted() {
        ClusterMap departed = ClusterMap.initial(List.of(A, B)).withoutMember(B, true);
        assertEquals(ClusterMap.Status.DEPARTED, departed.entry(B).status());
        assertTrue(departed.withMember(B).isMember(B), "a PUT /view admits it again");
    }
}
