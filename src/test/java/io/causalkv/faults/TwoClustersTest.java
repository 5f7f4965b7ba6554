package io.causalkv.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.causalkv.testing.Await;
import io.causalkv.testing.Cluster;
import io.causalkv.testing.Http;
import io.causalkv.transport.FaultyHttpTransport;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Two clusters that hear of each other do not merge (issue 17): every map heard used to be
 * merged, so one wrong address (in a VIEW, or a view change) made two clusters one, their
 * layouts and views mixed. Here cluster B is asked to add a node of cluster A to its view.
 * B's node probes it, learns it belongs to another cluster, and counts it as unreachable, so
 * failure detection takes it out of B's view again; A never takes B's map, and no key crosses.
 */
class TwoClustersTest {

    @Test
    void aViewChangeNamingAnotherClustersNodeDoesNotMergeTheTwo() throws Exception {
        try (Cluster a = Cluster.start(2, FaultyHttpTransport::new, Map.of());
             Cluster b = Cluster.start(2, FaultyHttpTransport::new, Map.of())) {
            Await.until(Duration.ofSeconds(10), "each cluster agrees on its layout",
                    () -> Replicas.agreedLayout(a) != null && Replicas.agreedLayout(b) != null);
            assertEquals(201, Http.send("PUT", b.url(0, "/kvs/from-b"), "{\"value\":1,\"causal-metadata\":null}").status());

            Http.Reply added = Http.send("PUT", b.url(0, "/view"), "{\"socket-address\":\"" + a.address(0) + "\"}");
            assertEquals(201, added.status(), added.body());
            long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < end) { // longer than failure detection: time enough for a merge to spread
                for (int i = 0; i < 2; i++) {
                    String view = Http.send("GET", a.url(i, "/view")).body();
                    assertFalse(view.contains(b.address(0)) || view.contains(b.address(1)), "cluster A took B's map: " + view);
                }
                Await.elapse(Duration.ofMillis(100));
            }
            Await.until(Duration.ofSeconds(10), "B's view is B's nodes again", () -> {
                String view = Http.send("GET", b.url(1, "/view")).body();
                return !view.contains(a.address(0)) && view.contains(b.address(0)) && view.contains(b.address(1));
            });
            assertEquals(404, Http.send("GET", a.url(0, "/kvs/from-b"), "{\"causal-metadata\":null}").status(), "no key crossed");
        }
    }
}
