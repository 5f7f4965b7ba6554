package io.causalkv.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.replication.AntiEntropy;
import io.causalkv.testing.Await;
import io.causalkv.testing.Cluster;
import io.causalkv.testing.Http;
import io.causalkv.testing.Metrics;
import io.causalkv.transport.FaultyHttpTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, item 3: a restarted node fetches a shard larger than one sync answer in pages, never
 * the whole shard in one message, and ends with every key.
 */
class StateFetchTest extends ClusterTestBase {

    /** More than one page holds. */
    private static final int KEYS = AntiEntropy.PAGE_ENTRIES + 300;

    @Test
    void aRestartedNodeFetchesALargeShardInPages() throws Exception {
        // Acknowledged by node 0 alone: the writes only fill the shard, quickly.
        cluster = Cluster.start(2, FaultyHttpTransport::new, Map.of("KVS_WRITE_ACKS", "1"));
        ExecutorService writers = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < KEYS; i++) {
                String key = "f" + i;
                answers.add(writers.submit(() -> Http.send("PUT", cluster.url(0, "/kvs/" + key),
                        "{\"value\":\"" + "v".repeat(50) + "\",\"causal-metadata\":null}").status()));
            }
            for (Future<Integer> answer : answers) {
                assertEquals(201, answer.get());
            }
        } finally {
            writers.shutdownNow();
        }
        cluster.stopNode(1);
        cluster.startNode(1);
        Await.until(Duration.ofSeconds(20), "the restarted node is ready",
                () -> Http.send("GET", cluster.url(1, "/ready")).status() == 200);
        assertEquals(KEYS, ShardedClient.keyCount(cluster, 1, 1), "the restarted node holds every key");
        double calls = Metrics.value(cluster, 1, "causalkv_peer_calls_total{call=\"sync\"}");
        double entries = Metrics.value(cluster, 1, "causalkv_sync_entries_received_total");
        assertTrue(entries >= KEYS, entries + " entries received");
        assertTrue(calls >= Math.ceil((double) KEYS / AntiEntropy.PAGE_ENTRIES),
                KEYS + " entries came in " + calls + " sync answers: a page holds " + AntiEntropy.PAGE_ENTRIES + " at most");
    }
}
