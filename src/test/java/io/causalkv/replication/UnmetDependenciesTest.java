package io.causalkv.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.causal.CausalContext;
import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Dependencies on writes that can never come (issue 17 item 3): a client's metadata naming a
 * write that died with its node's process, in an incarnation of which no write reached anyone,
 * was refused (503) or waited on for good, since no clock named that incarnation and so nothing
 * sealed it; a replica id no node of the cluster ever had was waited on for good too.
 */
class UnmetDependenciesTest {

    private static final NodeAddress A = NodeAddress.parse("10.0.0.1:8090");
    private static final NodeAddress B = NodeAddress.parse("10.0.0.2:8090");
    private static final long WALL = 10_000_000_000L; // ms
    private static final String A_NOW = A + "@" + Long.toString(WALL - 1_000, 36) + ".1";

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final Membership membership = new Membership(B, ClusterMap.initial(List.of(A, B)), clock::get);
    private final ShardReplica b = new ShardReplica(B + "@" + Long.toString(WALL - 500_000, 36) + ".1", 1, 1, () -> WALL);
    private final AntiEntropy atB = new AntiEntropy(B, new NoPeerCalls(), membership, b, () -> List.of(A), () -> true,
            () -> new LocalShard.Holders(Set.of(A), clock.get()));


    private static final UnmetDependencies.Unmet PENDING = new UnmetDependencies.Unmet(false, Set.of());

    private static CausalContext naming(String replica, long seq) {
        return CausalContext.of(1, Map.of(1, VectorClock.EMPTY.with(replica, seq)));
    }

    private void aReports(String replica, boolean ready) {
        atB.observe(A, new ShardStatus(b.ref(), VectorClock.EMPTY, 0, ready, replica));
    }

    @Test
    void aWriteOfAnEarlierIncarnationOfWhichNothingSurvivesIsNoLongerWaitedFor() {
        String lost = A + "@" + Long.toString(WALL - 90_000, 36) + ".1"; // A before its restart
        CausalContext client = naming(lost, 1);
        assertEquals(PENDING, atB.examine(client), "A not heard from yet: it may hold anything");
        aReports(lost, false);
        assertEquals(PENDING, atB.examine(client), "A is still starting");
        aReports(A_NOW, true);
        assertEquals(new UnmetDependencies.Unmet(false, Set.of(lost)), atB.examine(client),
                "A restarted and nobody has any write of the old one: it is lost");
        assertTrue(b.satisfies(client.without(1, Set.of(lost))));
        assertTrue(b.sealed().isEmpty(), "nothing is kept of it: a client could name any number of them");
    }

    @Test
    void aLaterIncarnationNotReportedYetIsWaitedFor() {
        aReports(A_NOW, true);
        String next = A + "@" + Long.toString(WALL, 36) + ".1"; // A restarted a moment ago
        assertEquals(PENDING, atB.examine(naming(next, 1)));
        assertEquals(PENDING, atB.examine(naming(A_NOW, 3)), "A's current replica: its writes come");
    }

    @Test
    void aReplicaNoNodeOfTheClusterEverHadIsInvalidMetadata() {
        aReports(A_NOW, true);
        assertEquals(PENDING, atB.examine(naming("nonsense", 1)), "not an id this server issues: 503 at once in kvs, as before");
        assertTrue(atB.examine(naming("10.9.9.9:1@" + Long.toString(WALL - 3_600_000, 36) + ".1", 4)).neverExisted(),
                "a node this cluster never had, an hour ago");
        assertEquals(PENDING, atB.examine(naming("10.9.9.9:1@" + Long.toString(WALL - 1_000, 36) + ".1", 4)),
                "a node started a second ago may have joined without this one hearing of it yet");
    }
}
