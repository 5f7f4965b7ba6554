package io.causalkv.sharding;

import static io.causalkv.testing.ApiAssertions.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalkv.cluster.HashRing;
import io.causalkv.testing.Await;
import io.causalkv.testing.Cluster;
import io.causalkv.testing.Http;
import io.causalkv.transport.FaultyHttpTransport;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The {@code kvs-keys} dialect on clusters with manual membership (API.md 8): unreplicated and
 * replicated modes, the address rule, idle nodes, and synchronous view changes that keep every key.
 */
class KvsKeysClusterTest extends ClusterTestBase {

    private static final Duration FIVE_SECONDS = Duration.ofSeconds(5);

    private Http.Reply keys(int node, String method, String key, String body) {
        return body == null ? Http.send(method, cluster.url(node, "/kvs/keys/" + key))
                : Http.send(method, cluster.url(node, "/kvs/keys/" + key), body);
    }

    /** The node holding a key: the receiving node itself (no address), or the one the answer names. */
    private String servedBy(int node, Http.Reply reply) {
        JsonNode address = reply.json().get("address");
        return address == null ? cluster.address(node) : address.asText();
    }

    @Test
    void unreplicatedNodesEachHoldAShardAndAViewChangeKeepsEveryKey() throws Exception {
        cluster = Cluster.startManual(2, FaultyHttpTransport::new, Map.of());
        for (int i = 0; i < 100; i++) {
            Http.Reply put = keys(i % 2, "PUT", "k" + i, "{\"value\":" + i + "}");
            assertEquals(201, put.status(), put.body());
            Set<String> fields = new HashSet<>();
            put.json().fieldNames().forEachRemaining(fields::add);
            boolean proxied = fields.contains("address");
            assertEquals(proxied ? Set.of("message", "replaced", "address") : Set.of("message", "replaced"), fields, put.body());
            assertEquals("Added successfully", put.json().get("message").asText());
            if (proxied) {
                assertEquals(cluster.address((i + 1) % 2), put.json().get("address").asText(), "the other node stored it");
            }
        }
        assertJson(keys(0, "GET", "absent", null), 404, keys(0, "GET", "absent", null).body().contains("address")
                ? "{\"doesExist\":false,\"error\":\"Key does not exist\",\"message\":\"Error in GET\",\"address\":\""
                        + cluster.address(1) + "\"}"
                : "{\"doesExist\":false,\"error\":\"Key does not exist\",\"message\":\"Error in GET\"}");
        int counted = 0;
        for (int i = 0; i < 2; i++) {
            JsonNode count = Http.send("GET", cluster.url(i, "/kvs/key-count"), "{}").json();
            assertEquals(Integer.toString(i + 1), count.get("shard-id").asText(), "shard ids are strings, in view order");
            counted += count.get("key-count").intValue();
        }
        assertEquals(100, counted);
        assertJson(Http.send("GET", cluster.url(1, "/kvs/shards")), 200,
                "{\"message\":\"Shard membership retrieved successfully\",\"shards\":[\"1\",\"2\"]}");

        // A third node, started later with the whole VIEW: the cluster's view does not list it, so it is idle.
        int third = cluster.addNode();
        Await.until(FIVE_SECONDS, "the new node answers as idle", () -> Http.send("GET", cluster.url(third, "/kvs/key-count"))
                .json().get("shard-id").isNull());
        Http.Reply viaIdle = keys(third, "GET", "k1", null);
        assertEquals(200, viaIdle.status(), viaIdle.body());
        assertTrue(viaIdle.json().has("address"), "an idle node always proxies: " + viaIdle.body());

        String view = String.join(",", cluster.addresses());
        long started = System.nanoTime();
        Http.Reply change = Http.send("PUT", cluster.url(0, "/kvs/view-change"), "{\"view\":\"" + view + "\"}");
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(200, change.status(), change.body());
        assertTrue(tookMillis < 5_000, "view change took " + tookMillis + " ms");
        assertEquals("View change successful", change.json().get("message").asText());
        JsonNode shards = change.json().get("shards");
        assertEquals(3, shards.size());
        int total = 0;
        for (int i = 0; i < 3; i++) {
            assertEquals(cluster.address(i), shards.get(i).get("address").asText(), "one entry per node, in view order");
            total += shards.get(i).get("key-count").intValue();
        }
        assertEquals(100, total, "the counts in the answer are final and add up: " + change.body());
        for (int node = 0; node < 3; node++) {
            for (int i = 0; i < 100; i++) {
                Http.Reply read = keys(node, "GET", "k" + i, null);
                assertEquals(200, read.status(), "k" + i + " at node " + node + ": " + read.body());
                assertEquals(i, read.json().get("value").intValue());
                // Unreplicated, the i-th node of the view is shard i+1: the key's owner served it.
                String owner = cluster.address(HashRing.of(3).shardOf("k" + i) - 1);
                assertEquals(owner, servedBy(node, read), "k" + i + " read at node " + node + ": " + read.body());
                if (read.json().has("address")) {
                    assertTrue(!read.json().get("address").asText().equals(cluster.address(node)), "never the receiving node");
                }
            }
        }
    }

    @Test
    void replicatedModeGossipsCarriesContextsAndConvergesAfterAPartition() throws Exception {
        cluster = Cluster.startManual(4, FaultyHttpTransport::new, Map.of("REPL_FACTOR", "2"));
        List<String> a = cluster.addresses();
        assertJson(Http.send("GET", cluster.url(0, "/kvs/shards/1")), 200,
                "{\"message\":\"Shard information retrieved successfully\",\"shard-id\":\"1\",\"key-count\":0,"
                        + "\"replicas\":[\"" + a.get(0) + "\",\"" + a.get(2) + "\"]}");
        Http.Reply put = keys(0, "PUT", "x", "{\"value\":1,\"causal-context\":{}}");
        assertTrue(put.status() == 201, put.body());
        assertTrue(put.json().has("causal-context"), put.body());
        String context = put.json().get("causal-context").toString();
        String owner = servedBy(0, put);
        int ownerIndex = a.indexOf(owner);
        int otherReplica = ownerIndex == 0 ? 2 : ownerIndex == 2 ? 0 : ownerIndex == 1 ? 3 : 1;
        Await.until(FIVE_SECONDS, "the other replica of x's shard has it", () -> {
            Http.Reply r = keys(otherReplica, "GET", "x", "{\"causal-context\":{}}");
            return r.status() == 200 && !r.json().has("address");
        });
        // A reader whose context shows the write never gets an older value.
        Http.Reply read = keys(otherReplica, "GET", "x", "{\"causal-context\":" + context + "}");
        assertEquals(200, read.status(), read.body());

        // Both sides of a partition keep writing the same key; after the heal they converge.
        cluster.isolate(ownerIndex);
        Http.Reply left = keys(ownerIndex, "PUT", "x", "{\"value\":\"left\",\"causal-context\":" + context + "}");
        Http.Reply right = keys(otherReplica, "PUT", "x", "{\"value\":\"right\",\"causal-context\":" + context + "}");
        assertEquals(200, left.status(), left.body());
        assertEquals(200, right.status(), right.body());
        cluster.heal();
        Await.until(FIVE_SECONDS, "both replicas agree on x", () -> {
            JsonNode one = keys(ownerIndex, "GET", "x", null).json().get("value");
            JsonNode two = keys(otherReplica, "GET", "x", null).json().get("value");
            return one != null && one.equals(two);
        });

        // View change 4 -> 2 and back 2 -> 4 keeps every key.
        for (int i = 0; i < 40; i++) {
            assertTrue(keys(i % 4, "PUT", "v" + i, "{\"value\":" + i + "}").status() < 300);
        }
        Http.Reply shrink = Http.send("PUT", cluster.url(1, "/kvs/view-change"),
                "{\"view\":\"" + a.get(0) + "," + a.get(1) + "\",\"repl-factor\":2}");
        assertEquals(200, shrink.status(), shrink.body());
        assertEquals(1, shrink.json().get("shards").size());
        assertEquals(41, shrink.json().get("shards").get(0).get("key-count").intValue(), shrink.body());
        Http.Reply grow = Http.send("PUT", cluster.url(3, "/kvs/view-change"), "{\"view\":\"" + String.join(",", a) + "\"}");
        assertEquals(200, grow.status(), grow.body());
        int total = 0;
        for (JsonNode shard : grow.json().get("shards")) {
            total += shard.get("key-count").intValue();
            assertEquals(2, shard.get("replicas").size(), "repl-factor kept: " + grow.body());
        }
        assertEquals(41, total, grow.body());
        for (int node = 0; node < 4; node++) {
            for (int i = 0; i < 40; i++) {
                Http.Reply r = keys(node, "GET", "v" + i, "{\"causal-context\":{}}");
                assertEquals(200, r.status(), "v" + i + " at node " + node + ": " + r.body());
            }
        }
    }

    @Test
    void viewChangeRefusals() throws Exception {
        cluster = Cluster.startManual(2, FaultyHttpTransport::new, Map.of());
        String bad = "{\"error\":\"Invalid view\",\"message\":\"Error in PUT\"}";
        for (String body : List.of("{}", "{\"view\":\"\"}", "{\"view\":\"nohost\"}", "{\"view\":12}", "{\"view\":[1]}")) {
            assertJson(Http.send("PUT", cluster.url(0, "/kvs/view-change"), body), 400, bad);
        }
        String view = String.join(",", cluster.addresses());
        assertJson(Http.send("PUT", cluster.url(0, "/kvs/view-change"), "{\"view\":\"" + view + "\",\"repl-factor\":0}"), 400,
                "{\"error\":\"Invalid repl-factor\",\"message\":\"Error in PUT\"}");
        assertJson(Http.send("PUT", cluster.url(0, "/kvs/view-change"), "{\"view\":\"" + view + "\",\"repl-factor\":3}"), 400,
                "{\"error\":\"View size is not a multiple of repl-factor\",\"message\":\"Error in PUT\"}");
        // A node of the new view that does not answer: 503, and the old layout stays.
        assertJson(Http.send("PUT", cluster.url(0, "/kvs/view-change"), "{\"view\":\"" + view + ",127.0.0.1:1\"}"), 503,
                "{\"error\":\"Unable to satisfy request\",\"message\":\"Error in PUT\"}");
        assertJson(Http.send("GET", cluster.url(1, "/kvs/shards")), 200,
                "{\"message\":\"Shard membership retrieved successfully\",\"shards\":[\"1\",\"2\"]}");
        // With kvs-keys on, these names are its paths, not kvs keys.
        assertEquals(405, Http.send("PUT", cluster.url(0, "/kvs/shards"), "{\"value\":1}").status());
        Http.Reply get = Http.send("GET", cluster.url(0, "/kvs/view-change"));
        assertEquals(405, get.status(), get.body());
    }
}
