package io.causalkv.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Which peers are probed (issue 17: every address ever seen was probed every 200 ms for good). */
class MembershipTest {

    private static final NodeAddress SELF = NodeAddress.parse("10.0.0.1:8090");
    private static final NodeAddress STAYS = NodeAddress.parse("10.0.0.2:8090");
    private static final NodeAddress LEAVES = NodeAddress.parse("10.0.0.3:8090");
    private static final NodeAddress FAILS = NodeAddress.parse("10.0.0.4:8090");

    @Test
    void aNodeThatDepartedByRequestIsProbedForAMinuteAndAgainOnceAddedBack() {
        AtomicLong clock = new AtomicLong(1_000_000_000L);
        Membership membership = new Membership(SELF, ClusterMap.initial(List.of(SELF, STAYS, LEAVES, FAILS)), clock::get);
        membership.propose(m -> m.withoutMember(LEAVES, true).withoutMember(FAILS, false));
        assertEquals(Set.of(STAYS, LEAVES, FAILS), Set.copyOf(membership.peersToProbe()),
                "the departed node may be up: it hears of its departure from a probe");

        clock.addAndGet(Membership.DEPARTED_PROBED_FOR_NANOS);
        assertEquals(Set.of(STAYS, FAILS), Set.copyOf(membership.peersToProbe()),
                "a node removed by failure detection is still probed: it may be alive across a partition");
        assertEquals(Set.of(STAYS, LEAVES, FAILS), Set.copyOf(membership.knownPeers()), "still known");

        membership.learn(LEAVES);
        membership.propose(m -> m.withMember(LEAVES)); // PUT /view names it again
        assertEquals(Set.of(STAYS, LEAVES, FAILS), Set.copyOf(membership.peersToProbe()));
    }
}
