package io.causalkv.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Under manual membership (kvs-keys) only a later view change's map replaces a node's map (API.md 8.1). */
class ManualMembershipTest {

    private static final NodeAddress A = NodeAddress.parse("10.0.0.1:8080");
    private static final NodeAddress B = NodeAddress.parse("10.0.0.2:8080");
    private static final NodeAddress C = NodeAddress.parse("10.0.0.3:8080");

    @Test
    void aPeersMapOfTheSameEpochChangesNothingEvenWithMoreShards() {
        ClusterMap running = ClusterMap.initialManual(List.of(A, B), 0);
        Membership membership = new Membership(A, running, System::nanoTime, true);
        ClusterMap idleNodesOwn = ClusterMap.initialManual(List.of(A, B, C), 0);

        membership.adopt(idleNodesOwn);

        assertSame(running, membership.map());
        assertEquals(List.of(A, B), membership.map().members());
    }

    @Test
    void aLaterViewChangesMapReplacesItWhole() {
        ClusterMap idleNodesOwn = ClusterMap.initialManual(List.of(A, B, C), 0);
        Membership idle = new Membership(C, idleNodesOwn, System::nanoTime, true);
        ClusterMap committed = ClusterMap.initialManual(List.of(A, B), 0).viewChanged(List.of(A, B), 0);

        idle.adopt(committed);

        assertEquals(List.of(A, B), idle.map().members(), "the node left out keeps no entry of its own");
        assertEquals(committed.layout(), idle.map().layout());
    }

    @Test
    void automaticMembershipStillMerges() {
        ClusterMap two = ClusterMap.initial(List.of(A, B), 0);
        Membership membership = new Membership(A, two, System::nanoTime);

        membership.adopt(two.withMember(C));

        assertEquals(List.of(A, B, C), membership.map().members());
    }
}
