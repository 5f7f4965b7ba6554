package io.causalkv.api.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.testing.Await;
import io.causalkv.testing.Cluster;
import io.causalkv.testing.EmbeddedNode;
import io.causalkv.testing.Http;
import io.causalkv.transport.FaultyHttpTransport;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics}: Prometheus text with requests by dialect, method and status, and the node's gauges. */
class MetricsTest {

    private static EmbeddedNode node;

    @BeforeAll
    static void start() throws Exception {
        node = EmbeddedNode.start(Map.of());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(metrics);
        assertTrue(m.find(), "no series " + series + " in:\n" + metrics);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void aNodeWithADataDirectoryReportsItsLogFsyncsAndSnapshot() throws Exception {
        java.nio.file.Path data = java.nio.file.Path.of("target/metrics-data-" + System.nanoTime());
        try (EmbeddedNode durable = EmbeddedNode.start(Map.of("DATA_DIR", data.toString()))) {
            for (int i = 0; i < 3; i++) {
                assertEquals(201, Http.send("PUT", durable.url("/kvs/d" + i), "{\"value\":" + i + "}").status());
            }
            String metrics = Http.send("GET", durable.url("/metrics")).body();
            assertTrue(value(metrics, "causalkv_log_bytes") > 0, metrics);
            assertTrue(value(metrics, "causalkv_log_fsyncs_total") >= 3, "each write waited for its fsync (batch)");
            assertTrue(value(metrics, "causalkv_log_fsync_seconds_total") > 0);
            assertTrue(metrics.contains("causalkv_snapshot_age_seconds NaN"), "no snapshot yet");
        } finally {
            io.causalkv.testing.Trees.delete(data);
        }
        assertTrue(!Http.send("GET", node.url("/metrics")).body().contains("causalkv_log_bytes"), "only with a data directory");
    }

    @Test
    void countsRequestsByDialectMethodAndStatusAndReportsTheStore() {
        for (int i = 0; i < 3; i++) {
            assertEquals(201, Http.send("PUT", node.url("/kvs/m" + i), "{\"value\":" + i + "}").status());
        }
        assertEquals(200, Http.send("DELETE", node.url("/kvs/m0")).status());
        assertEquals(404, Http.send("GET", node.url("/kvs/absent")).status());
        assertEquals(200, Http.send("GET", node.url("/key-value-store/m1")).status());
        assertEquals(404, Http.send("GET", node.url("/no/such/path")).status());
        assertEquals(405, Http.send("FROB", node.url("/kvs/m1")).status());

        Http.Reply reply = Http.send("GET", node.url("/metrics"));
        assertEquals(200, reply.status());
        assertTrue(reply.contentType().startsWith("text/plain"), reply.contentType());
        String metrics = reply.body();
        assertEquals(3, value(metrics, "causalkv_requests_seconds_count{dialect=\"kvs\",method=\"PUT\",status=\"201\"}"));
        assertEquals(1, value(metrics, "causalkv_requests_seconds_count{dialect=\"kvs\",method=\"GET\",status=\"404\"}"));
        assertEquals(1, value(metrics, "causalkv_requests_seconds_count{dialect=\"key-value-store\",method=\"GET\",status=\"200\"}"));
        assertEquals(1, value(metrics, "causalkv_requests_seconds_count{dialect=\"other\",method=\"GET\",status=\"404\"}"));
        assertEquals(1, value(metrics, "causalkv_requests_seconds_count{dialect=\"kvs\",method=\"OTHER\",status=\"405\"}"),
                "an unusual method is one tag value, whatever it is");
        assertTrue(metrics.contains("causalkv_requests_seconds_bucket{dialect=\"kvs\",method=\"PUT\",status=\"201\",le="),
                "a latency histogram");
        assertEquals(2, value(metrics, "causalkv_keys"), "m1 and m2 are live");
        assertEquals(1, value(metrics, "causalkv_tombstones"), "m0 was deleted");
        assertEquals(0, value(metrics, "causalkv_replication_queue"));
        assertEquals(0, value(metrics, "causalkv_peers{state=\"up\"}"), "a standalone node has no peers");
    }

    @Test
    void countsPeerCallsAndTheWritesReplicationSent() throws Exception {
        try (Cluster cluster = Cluster.start(3, FaultyHttpTransport::new, Map.of())) {
            int writes = 20;
            for (int i = 0; i < writes; i++) {
                assertEquals(201, Http.send("PUT", cluster.url(0, "/kvs/p" + i), "{\"value\":" + i + "}").status());
            }
            // Every write goes to both peers; the second may still be on its way when the PUT answers.
            String metrics = Await.value(Duration.ofSeconds(10), "node 0 has sent every write to both peers",
                    () -> Http.send("GET", cluster.url(0, "/metrics")).body(),
                    m -> value(m, "causalkv_replication_writes_sent_total") >= 2 * writes);
            assertEquals(2 * writes, value(metrics, "causalkv_replication_writes_sent_total"), "each write once per peer");
            double batches = value(metrics, "causalkv_peer_calls_total{call=\"replicate\"}");
            assertTrue(batches >= 2 && batches <= 2 * writes, "between one batch per peer and one per write: " + batches);
            assertTrue(value(metrics, "causalkv_peer_calls_total{call=\"ping\"}") > 0, "heartbeats are peer calls too");
            assertEquals(0, value(metrics, "causalkv_peer_calls_total{call=\"relay\"}"), "one shard: nothing to relay");
            // The receiving side (the peer servlet, outside Jersey) counts what it answered.
            String peer = Http.send("GET", cluster.url(1, "/metrics")).body();
            assertTrue(value(peer, "causalkv_requests_seconds_count{dialect=\"internal\",method=\"POST\",status=\"200\"}") > 0,
                    "node 1 counts the peer messages it answered");
        }
    }
}
