package io.causalkv.faults.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.causalkv.testing.Await;
import io.causalkv.testing.Http;
import io.causalkv.testing.netns.NetnsCluster;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 5: who may change the layout. On standalone Jetty processes in network
 * namespaces, a partition 4 | 2, both sides having removed the other: the side of 2 cannot reshard
 * (503), the side of 4 can, and after the heal every node has that layout and every key. (The
 * coordinator that dies after STAGE is in {@code NetnsFaultSuiteIT}, under the recorded load.)
 */
class ReshardDecisionIT {

    private static final int KEYS = 40;

    @BeforeAll
    static void namespaces() {
        NetnsCluster.assumeAvailable();
    }

    @Test
    void onlyTheSideWithMostOfTheLayoutsNodesCanReshardDuringAPartition() throws Exception {
        try (NetnsCluster cluster = NetnsCluster.start("reshard-split", 6, Map.of("SHARD_COUNT", "2"))) {
            writeKeys(cluster, 0, "b");
            cluster.partition(0, 1, 2, 3);
            try {
                Await.until(Duration.ofSeconds(10), "each side has removed the other from its view", () -> {
                    String big = Http.send("GET", cluster.url(0, "/view")).body();
                    String small = Http.send("GET", cluster.url(4, "/view")).body();
                    return !big.contains(cluster.address(4)) && !big.contains(cluster.address(5))
                            && !small.contains(cluster.address(0)) && !small.contains(cluster.address(3));
                });
                Http.Reply minority = Http.send("PUT", cluster.url(4, "/shard/reshard"), "{\"shard-count\":1}");
                assertEquals(503, minority.status(), "2 of the layout's 6 nodes changed it: " + minority.body());
                assertEquals(Http.json("{\"error\":\"Shard unavailable\"}"), minority.json(), minority.body());
                Http.Reply majority = Http.send("PUT", cluster.url(0, "/shard/reshard"), "{\"shard-count\":1}");
                assertEquals(200, majority.status(), "4 of the layout's 6 nodes: " + majority.body());
            } finally {
                cluster.heal();
            }
            Await.until(Duration.ofSeconds(20), "every node has the majority's layout", () -> cluster.indexes().stream()
                    .allMatch(i -> Http.send("GET", cluster.url(i, "/shard/ids")).body().replace(" ", "").contains("\"shard-ids\":[1]")));
            assertKeys(cluster, "b");
        }
    }

    private static void writeKeys(NetnsCluster cluster, int node, String prefix) {
        for (int k = 0; k < KEYS; k++) {
            Http.Reply put = Kvs.put(cluster, node, prefix + k, "\"v" + k + "\"", "null");
            assertEquals(201, put.status(), put.body());
        }
    }

    /** Every key, at every node, within the reshard's settling bound (API.md 10.5: 20 s). */
    private static void assertKeys(NetnsCluster cluster, String prefix) {
        for (int node : cluster.indexes()) {
            for (int k = 0; k < KEYS; k++) {
                String key = prefix + k;
                String value = "v" + k;
                int n = node;
                Await.until(Duration.ofSeconds(20), "node " + node + " serves " + key, () -> {
                    Http.Reply get = Kvs.get(cluster, n, key, "null");
                    return get.status() == 200 && value.equals(get.json().get("value").asText());
                });
            }
        }
    }
}
