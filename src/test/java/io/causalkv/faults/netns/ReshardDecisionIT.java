package io.causalkv.faults.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.causalkv.faults.Replicas;
import io.causalkv.testing.Await;
import io.causalkv.testing.Http;
import io.causalkv.testing.netns.NetnsCluster;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 5: who decides a reshard, and what happens when the one who asked dies. On
 * standalone Jetty processes in network namespaces:
 * <ul>
 *   <li>the coordinator is killed (SIGKILL) after STAGE froze the other nodes' writes: they must
 *       take writes again soon after failure detection gives up on it (not after the 30 s expiry),
 *       and nothing is lost;</li>
 *   <li>a partition 4 | 2, both sides having removed the other: the side of 2 cannot reshard
 *       (503), the side of 4 can, and after the heal every node has that layout and every key.</li>
 * </ul>
 */
class ReshardDecisionIT {

    private static final int KEYS = 40;
    /** Failure detection (3 s) plus a maintenance round and a client retry; the stage's expiry is 30 s. */
    private static final Duration WRITES_BACK_WITHIN = Duration.ofSeconds(7);

    @BeforeAll
    static void namespaces() {
        NetnsCluster.assumeAvailable();
    }

    @Test
    void nodesStagedByACoordinatorThatDiesTakeWritesAgainAndLoseNothing() throws Exception {
        try (NetnsCluster cluster = NetnsCluster.start("reshard-orphaned", 4, Map.of("SHARD_COUNT", "2"))) {
            writeKeys(cluster, 1, "a");
            long[] logStart = logSizes(cluster);
            cluster.pause(3); // STAGE waits for it, which holds the reshard between STAGE and TRANSFER
            AtomicReference<Http.Reply> answer = new AtomicReference<>();
            Thread reshard = new Thread(() -> answer.set(Http.send("PUT", cluster.url(0, "/shard/reshard"), "{\"shard-count\":1}")));
            reshard.start();
            Await.until(Duration.ofSeconds(10), "nodes 1 and 2 staged the proposed layout",
                    () -> logged(cluster, 1, logStart, "staged layout") && logged(cluster, 2, logStart, "staged layout"));
            cluster.kill9(0);
            long killed = System.nanoTime();
            for (int node : List.of(1, 2)) {
                String key = "after" + node;
                Duration took = Await.until(WRITES_BACK_WITHIN, "node " + node + " takes a write again after its coordinator died",
                        () -> Kvs.put(cluster, node, key, "\"x\"", "null").status() / 100 == 2);
                System.out.printf("node %d took a write %d ms after the coordinator's kill%n", node,
                        (System.nanoTime() - killed) / 1_000_000);
                assertNotNull(took);
            }
            reshard.join(1_000);
            cluster.resume(3);
            cluster.restart(0);
            Replicas.Layout layout = Await.value(Duration.ofSeconds(15), "every node in one layout again",
                    () -> Replicas.agreedLayout(cluster), l -> l != null && l.members().size() == 4);
            assertEquals(2, layout.shards().size(), "the orphaned reshard was never committed: " + layout);
            assertKeys(cluster, "a");
        }
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

    private static long[] logSizes(NetnsCluster cluster) throws IOException {
        long[] sizes = new long[cluster.size()];
        for (int i : cluster.indexes()) {
            Path log = cluster.logs().resolve("node-" + i + ".log");
            sizes[i] = Files.exists(log) ? Files.size(log) : 0;
        }
        return sizes;
    }

    /** Whether node {@code i} logged {@code text} since {@code from} was measured. */
    private static boolean logged(NetnsCluster cluster, int i, long[] from, String text) {
        try (RandomAccessFile log = new RandomAccessFile(cluster.logs().resolve("node-" + i + ".log").toFile(), "r")) {
            log.seek(from[i]);
            byte[] rest = new byte[(int) Math.max(0, log.length() - from[i])];
            log.readFully(rest);
            return new String(rest, StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }
}
