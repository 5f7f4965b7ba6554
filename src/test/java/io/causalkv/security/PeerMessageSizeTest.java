package io.causalkv.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalkv.testing.Await;
import io.causalkv.testing.Cluster;
import io.causalkv.testing.Http;
import io.causalkv.testing.RawHttp;
import io.causalkv.transport.FaultyHttpTransport;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Peer messages carry client writes, so they can outgrow the 1 MiB limit of a client's body:
 * a write at that limit still replicates, and a reshard hands over more than a mebibyte. Peer
 * messages have a limit of their own, answered like a client's.
 */
class PeerMessageSizeTest {

    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);
    private Cluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void writesAtTheBodyLimitReplicateThroughTheSender() throws Exception {
        cluster = Cluster.start(2, FaultyHttpTransport::new, Map.of());
        Await.until(TEN_SECONDS, "node 0 replicates to node 1", () -> stableAt(0, 1));
        String body = "{\"value\":\"" + "v".repeat(1024 * 1024 - 12) + "\"}";
        assertEquals(1024 * 1024, body.length());
        String metadata = null;
        for (int i = 0; i < 3; i++) {
            Http.Reply put = Http.send("PUT", cluster.url(0, "/kvs/big" + i), body);
            assertEquals(201, put.status(), put.body());
            metadata = put.json().get("causal-metadata").toString();
        }
        String last = metadata;
        Await.until(TEN_SECONDS, "node 1 holds the writes", () -> Http.send("GET", cluster.url(1, "/kvs/big2"),
                "{\"causal-metadata\":" + last + "}").status() == 200);
        // Sent, not only repaired by anti-entropy: the queue drains and node 1 stays a stable peer.
        Await.until(TEN_SECONDS, "node 0's replication queue drains", () -> replicationQueue(0) == 0 && stableAt(0, 1));
    }

    @Test
    void aReshardHandsOverMoreThanAMebibytePerShard() throws Exception {
        cluster = Cluster.start(4, FaultyHttpTransport::new, Map.of());
        String value = "w".repeat(600 * 1024);
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            Http.Reply put = Http.send("PUT", cluster.url(0, "/kvs/large" + i), "{\"value\":\"" + value + "\"}");
            assertEquals(201, put.status(), put.body());
            metadata.put("large" + i, put.json().get("causal-metadata").toString());
        }
        Http.Reply reshard = Http.send("PUT", cluster.url(0, "/shard/reshard"), "{\"shard-count\":2}");
        assertEquals(200, reshard.status(), reshard.body());
        for (Map.Entry<String, String> key : metadata.entrySet()) {
            for (int node = 0; node < 4; node++) {
                int n = node;
                Await.until(TEN_SECONDS, "node " + n + " reads " + key.getKey(), () -> Http.send("GET",
                        cluster.url(n, "/kvs/" + key.getKey()), "{\"causal-metadata\":" + key.getValue() + "}").status() == 200);
            }
        }
    }

    @Test
    void aPeerMessageOverItsLimitIs413InJsonAndTakesNothing() throws Exception {
        cluster = Cluster.start(1, FaultyHttpTransport::new, Map.of());
        int limit = io.causalkv.transport.PeerClient.MAX_MESSAGE_BYTES;
        String declared = RawHttp.send(cluster.nodeAddress(0).port(), "POST /internal/replicate HTTP/1.1\r\nHost: x\r\n"
                + "Content-Length: " + (limit + 1) + "\r\n\r\n");
        assertEquals(413, RawHttp.status(declared), declared);
        assertEquals(Http.json("{\"error\":\"Request body too large\"}"), Http.json(RawHttp.body(declared)));

        // Chunked, so only reading finds out: a write whose value alone is over the limit.
        byte[] chunk = ("{\"from\":\"127.0.0.1:1\",\"shard\":{\"shard\":1,\"epoch\":1},\"writes\":[{\"k\":\"huge\",\"v\":\""
                + "h".repeat(limit) + "\",\"r\":\"x@y.1\",\"q\":1,\"l\":1}]}").getBytes(StandardCharsets.US_ASCII);
        String head = "POST /internal/replicate HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + Integer.toHexString(chunk.length) + "\r\n";
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.write(head.getBytes(StandardCharsets.US_ASCII));
        request.write(chunk);
        request.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String chunked = RawHttp.send(cluster.nodeAddress(0).port(), request.toByteArray());
        assertEquals(413, RawHttp.status(chunked), chunked);
        assertEquals(Http.json("{\"error\":\"Request body too large\"}"), Http.json(RawHttp.body(chunked)));
        assertEquals(404, Http.send("GET", cluster.url(0, "/kvs/huge")).status());
    }

    private boolean stableAt(int node, int peer) {
        for (JsonNode entry : Http.send("GET", cluster.url(node, "/admin/api/cluster")).json().get("nodes")) {
            if (entry.get("address").asText().equals(cluster.address(peer))) {
                return entry.get("stable").asBoolean();
            }
        }
        return false;
    }

    private double replicationQueue(int node) {
        for (String line : Http.send("GET", cluster.url(node, "/metrics")).body().split("\n")) {
            if (line.startsWith("causalkv_replication_queue")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }
}
