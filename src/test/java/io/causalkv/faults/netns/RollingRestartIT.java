package io.causalkv.faults.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
 * Issue 16, item 2: a rolling restart, done as an operator does it (restart a node, wait for its
 * {@code /ready}, restart the next), loses nothing even when the restarted node's first fetch
 * fails. Two nodes hold the shard; node 1 is restarted while node 0's link is cut, so node 1's
 * start-up probe and fetch get no answer. Node 1 must not serve its empty replica (no 404 for a
 * key node 0 holds) nor call itself ready; once the link is back it fetches, becomes ready, and
 * node 0 is restarted in turn: every key is still there, on both.
 */
class RollingRestartIT {

    private static final int KEYS = 60;
    /**
     * Shorter than failure detection (3 s): node 1 must wait for node 0, not remove it nor
     * presume it not started. Counted from node 1's first answer, which on a cold JVM comes up
     * to a second after its replica's clock starts; at 1 s the loss showed in 2 of 5 CI runs.
     */
    private static final Duration CUT_AFTER_START = Duration.ofMillis(2_000);

    @BeforeAll
    static void namespaces() {
        NetnsCluster.assumeAvailable();
    }

    @Test
    void aRollingRestartLosesNothingWhenTheRestartedNodesFirstFetchFails() throws Exception {
        try (NetnsCluster cluster = NetnsCluster.start("rolling-restart", 2, Map.of())) {
            for (int k = 0; k < KEYS; k++) {
                Http.Reply put = Kvs.put(cluster, 0, "k" + k, "\"v" + k + "\"", "null");
                assertEquals(201, put.status(), put.body());
            }
            Await.until(Duration.ofSeconds(5), "node 1 holds every key",
                    () -> Http.send("GET", cluster.url(1, "/shard/key-count/1")).body().contains("\"shard-key-count\":" + KEYS));

            cluster.kill9(1);
            cluster.cut(0);
            List<String> answers = new ArrayList<>();
            try {
                cluster.launch(1, Map.of("VIEW", cluster.view(0, 1)));
                Await.until(Duration.ofSeconds(60), "node 1 answers again", () -> Http.send("GET", cluster.url(1, "/health")).status() == 200);
                long end = System.nanoTime() + CUT_AFTER_START.toNanos();
                while (System.nanoTime() < end) {
                    Http.Reply get = Kvs.get(cluster, 1, "k" + answers.size() % KEYS, "null");
                    answers.add(get.status() + " " + Http.send("GET", cluster.url(1, "/ready")).status());
                    Await.elapse(Duration.ofMillis(50));
                }
            } finally {
                cluster.restore(0);
            }
            // While node 0 was out of reach, node 1 had none of the shard's keys: it may refuse, never deny.
            assertTrue(answers.stream().noneMatch(a -> a.startsWith("404")), "GETs at node 1 answered 404: " + answers);
            assertTrue(answers.stream().noneMatch(a -> a.endsWith(" 200")), "node 1 called itself ready without the shard's data: " + answers);

            cluster.awaitReady(1);
            cluster.kill9(0);
            cluster.restart(0);
            for (int node = 0; node < 2; node++) {
                for (int k = 0; k < KEYS; k++) {
                    Http.Reply get = Kvs.get(cluster, node, "k" + k, "null");
                    assertNotEquals(404, get.status(), "node " + node + " lost k" + k);
                    assertEquals(200, get.status(), get.body());
                    assertEquals("v" + k, get.json().get("value").asText());
                }
            }
        }
    }
}
