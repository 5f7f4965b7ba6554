package io.causalkv.faults.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.testing.Await;
import io.causalkv.testing.Http;
import io.causalkv.testing.netns.NetnsCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * API.md 10.3 with a real link cut: a replica of a 3-node kvs cluster loses its link (its veth
 * deleted) while writes are made, and gets the link back. One second after reconnection it must
 * still lack them (503 with the new metadata, the old value with the old), and within 5 s it has
 * them. A write sent to it while the link was down stays in its sender's kernel and is
 * retransmitted once the link is back: it must not be applied then (API.md 10.3, last hint).
 */
class ReconnectedReplicaIT {

    private static final String CAUSAL_503 = "Causal dependencies not satisfied; try again later";

    @BeforeAll
    static void namespaces() {
        NetnsCluster.assumeAvailable();
    }

    @Test
    void aReplicaCutAtTheLinkLacksMissedWritesForOneSecondThenHasThemWithinFive() throws Exception {
        try (NetnsCluster cluster = NetnsCluster.start("reconnect", 3, Map.of())) {
            Http.Reply first = Kvs.put(cluster, 0, "x", "\"old\"", "null");
            assertEquals(201, first.status(), first.body());
            String old = Kvs.metadata(first);
            Await.until(Duration.ofSeconds(5), "every replica has the first write",
                    () -> cluster.indexes().stream().allMatch(i -> Kvs.get(cluster, i, "x", old).status() == 200));

            cluster.cut(2);
            // At once, before anyone suspects the cut replica: the sender tries it, and its
            // request stays in the kernel when the delivery is given up.
            Http.Reply missed = Kvs.put(cluster, 0, "x", "\"new\"", old);
            assertTrue(missed.status() == 200 || missed.status() == 201, missed.body());
            String latest = Kvs.metadata(missed);
            Http.Reply other = Kvs.put(cluster, 1, "y", "\"new\"", latest);
            assertEquals(201, other.status(), other.body());
            latest = Kvs.metadata(other);
            // Cut for 2.4 s: suspected, not yet removed (3 s). TCP retransmits what it had sent at 0.2,
            // 0.6, 1.4 and 3 s after the send: the last lands 0.6 s after the link is back.
            Await.elapse(Duration.ofMillis(2_400));
            cluster.restore(2);
            long reconnected = System.nanoTime();

            List<String> early = new ArrayList<>();
            while (System.nanoTime() - reconnected < 1_000_000_000L) {
                Http.Reply dependent = Kvs.get(cluster, 2, "x", latest);
                Http.Reply older = Kvs.get(cluster, 2, "x", old);
                long at = (System.nanoTime() - reconnected) / 1_000_000;
                if (dependent.status() != 503 || !dependent.body().contains(CAUSAL_503)) {
                    early.add(at + " ms: new metadata -> " + dependent.status() + " " + dependent.body());
                }
                if (older.status() != 200 || !older.body().contains("\"old\"")) {
                    early.add(at + " ms: old metadata -> " + older.status() + " " + older.body());
                }
                Await.elapse(Duration.ofMillis(50));
            }
            assertTrue(early.isEmpty(), "within 1 s of reconnection the replica already had the missed writes: " + early);

            String needed = latest;
            Duration converged = Await.until(Duration.ofSeconds(4), "the reconnected replica has the missed writes",
                    () -> Kvs.get(cluster, 2, "x", needed).body().contains("\"new\"")
                            && Kvs.get(cluster, 2, "y", needed).status() == 200);
            System.out.println("reconnected replica converged " + (1000 + converged.toMillis()) + " ms after reconnection");
        }
    }
}
