package io.causalkv.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which cluster a node belongs to, and when two nodes' maps may merge (issue 17: a wrong VIEW merged two clusters). */
class ClusterIdentityTest {

    private static final List<NodeAddress> VIEW = List.of(NodeAddress.parse("10.0.0.1:8090"), NodeAddress.parse("10.0.0.2:8090"));

    @Test
    void nodesStartedWithTheSameSettingsDeriveTheSameIdAndOthersAnother() {
        assertEquals(ClusterIdentity.derive(ClusterMap.initial(VIEW)), ClusterIdentity.derive(ClusterMap.initial(List.of(VIEW.get(1), VIEW.get(0)))),
                "the order of VIEW does not matter");
        assertNotEquals(ClusterIdentity.derive(ClusterMap.initial(VIEW)), ClusterIdentity.derive(ClusterMap.initial(VIEW, 2)));
        assertNotEquals(ClusterIdentity.derive(ClusterMap.initial(VIEW)), ClusterIdentity.derive(ClusterMap.initial(VIEW.subList(0, 1))));
    }

    @Test
    void twoStartingNodesSettleOnOneIdAndASettledNodeNeverTakesAnother() {
        ClusterIdentity a = new ClusterIdentity("aaaa");
        ClusterIdentity b = new ClusterIdentity("bbbb");
        assertEquals(ClusterIdentity.Meeting.ANSWER_ONLY, a.meet(b.current()), "the smaller id stays");
        assertEquals(ClusterIdentity.Meeting.SAME, b.meet(a.current()), "b takes it");
        assertEquals(new ClusterIdentity.Id("aaaa", true), b.current());
        assertEquals(ClusterIdentity.Meeting.SAME, a.meet(b.current()));
        assertEquals(new ClusterIdentity.Id("aaaa", true), a.current());

        ClusterIdentity other = new ClusterIdentity("0000");
        other.meet(new ClusterIdentity.Id("0000", true)); // settled in its own cluster
        assertEquals(ClusterIdentity.Meeting.FOREIGN, a.meet(other.current()), "two settled clusters never merge");
        assertEquals(ClusterIdentity.Meeting.FOREIGN, other.meet(a.current()));
        assertEquals("aaaa", a.current().id());

        ClusterIdentity joining = new ClusterIdentity("zzzz");
        assertEquals(ClusterIdentity.Meeting.ANSWER_ONLY, a.meet(joining.current()), "a starting node is answered, not merged");
        assertEquals(ClusterIdentity.Meeting.SAME, joining.meet(a.current()), "and takes the settled id, smaller or not");
        assertEquals(new ClusterIdentity.Id("aaaa", true), joining.current());
        assertEquals(ClusterIdentity.Meeting.SAME, a.meet(ClusterIdentity.Id.UNKNOWN), "a caller that says nothing");
    }

    /**
     * kvs-keys nodes started ahead of the view change that adds them list more nodes in VIEW
     * (API.md 8.1): if two of them settle with each other before they reach the running nodes,
     * they are still one cluster with them, and their maps share the running nodes.
     */
    @Test
    void settledNodesOfDifferentIdsWhoseMapsShareANodeAreOneCluster() {
        NodeAddress running1 = VIEW.get(0);
        NodeAddress running2 = VIEW.get(1);
        NodeAddress ahead = NodeAddress.parse("10.0.0.3:8090");
        ClusterMap runningMap = ClusterMap.initial(VIEW);
        ClusterMap aheadMap = ClusterMap.initial(List.of(running1, running2, ahead));
        assertTrue(ClusterIdentity.shareNodes(runningMap, aheadMap, running1, ahead), "both name running2");
        ClusterMap otherCluster = ClusterMap.initial(List.of(ahead, NodeAddress.parse("10.0.0.4:8090")));
        ClusterMap namedByMistake = ClusterMap.initial(List.of(running1, running2, ahead));
        assertFalse(ClusterIdentity.shareNodes(otherCluster, namedByMistake, ahead, running1),
                "a view change that named one node of another cluster: only the two themselves are common");

        ClusterIdentity one = new ClusterIdentity("1111");
        one.meet(new ClusterIdentity.Id("1111", true));
        assertEquals(ClusterIdentity.Meeting.SAME, one.meet(new ClusterIdentity.Id("2222", true), true));
        assertEquals(ClusterIdentity.Meeting.FOREIGN, one.meet(new ClusterIdentity.Id("2222", true), false));
        assertEquals("1111", one.current().id());
    }
}
