package io.causalkv.faults.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.causalkv.testing.Await;
import io.causalkv.testing.Http;
import io.causalkv.testing.Metrics;
import io.causalkv.testing.netns.NetnsCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tombstones are collected (issue 17: 2,000 deletes left {@code causalkv_tombstones} at 2,000 on
 * every node for good), and never while a replica that lacks the deletes may come back: three
 * standalone nodes in network namespaces, one cut off at the link level while its peers delete
 * every key it holds. Its peers keep the tombstones for as long as it is away (it was removed
 * from the view but keeps its place in the shard); once the link is back it takes the deletes,
 * and only then do the tombstones go, on every node, with no key come back to life.
 */
class TombstoneCollectionIT {

    private static final int KEYS = 100;
    private static final String TOMBSTONES = "causalkv_tombstones";
    private static final String KEYS_GAUGE = "causalkv_keys";

    @BeforeAll
    static void namespaces() {
        NetnsCluster.assumeAvailable();
    }

    @Test
    void deletesAreCollectedOnEveryNodeButNotWhileAReplicaThatLacksThemIsCutOff() throws Exception {
        try (NetnsCluster cluster = NetnsCluster.start("tombs", 3, Map.of())) {
            String metadata = "null";
            for (int i = 0; i < KEYS; i++) {
                Http.Reply put = Kvs.put(cluster, 0, "t" + i, "" + i, metadata);
                assertEquals(201, put.status(), put.body());
                metadata = Kvs.metadata(put);
            }
            Await.until(Duration.ofSeconds(10), "every node holds the " + KEYS + " keys",
                    () -> cluster.indexes().stream().allMatch(n -> Metrics.value(cluster, n, KEYS_GAUGE) == KEYS));

            cluster.cut(2);
            List<String> deleted = new ArrayList<>();
            for (int i = 0; i < KEYS; i++) {
                Http.Reply delete = Kvs.delete(cluster, 0, "t" + i, metadata);
                assertEquals(200, delete.status(), delete.body());
                metadata = Kvs.metadata(delete);
                deleted.add("t" + i);
            }
            Await.until(Duration.ofSeconds(10), "node 2 removed from node 0's view",
                    () -> !Kvs.view(cluster, 0).contains(cluster.address(2)));
            // Collection runs every second; a frontier that left node 2 out would be past these deletes by now.
            Await.elapse(Duration.ofSeconds(4));
            assertEquals(KEYS, Metrics.value(cluster, 0, TOMBSTONES), "node 0 keeps the tombstones node 2 lacks");
            assertEquals(KEYS, Metrics.value(cluster, 1, TOMBSTONES), "node 1 too");

            cluster.restore(2);
            Duration took = Await.until(Duration.ofSeconds(30), "no tombstone left on any node", () -> cluster.indexes().stream()
                    .allMatch(n -> Metrics.value(cluster, n, TOMBSTONES) == 0 && Metrics.value(cluster, n, KEYS_GAUGE) == 0));
            for (int n : cluster.indexes()) {
                for (String key : deleted) {
                    Http.Reply get = Kvs.get(cluster, n, key, metadata);
                    assertEquals(404, get.status(), "node " + n + ", " + key + ": " + get.body());
                }
            }
            // A key never written answers with the request's metadata alone, collections or not (API.md 6.4).
            for (int n : cluster.indexes()) {
                Http.Reply never = Kvs.get(cluster, n, "never-written", "{}");
                assertEquals(404, never.status(), never.body());
                assertEquals(Http.json("{\"error\":\"Key does not exist\",\"causal-metadata\":{}}"), never.json(), "node " + n);
            }
            System.out.printf("tombstones: %d kept on nodes 0 and 1 while node 2 was cut off; all collected on every node %d ms "
                    + "after the link came back, no key back to life%n", KEYS, took.toMillis());
        }
    }
}
