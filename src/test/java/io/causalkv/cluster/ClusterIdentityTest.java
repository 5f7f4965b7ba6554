package io.causalkv.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

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
}
