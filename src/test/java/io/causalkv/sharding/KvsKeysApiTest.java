package io.causalkv.sharding;

import static io.causalkv.testing.ApiAssertions.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalkv.cluster.HashRing;
import io.causalkv.testing.Await;
import io.causalkv.testing.Cluster;
import io.causalkv.testing.Http;
import io.causalkv.transport.FaultyHttpTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every row of API.md 8.2 to 8.5, the address rule (8.7) and the exact-body rule (8.8) of the
 * {@code kvs-keys} dialect, with whole-body comparisons, on small clusters with manual membership
 * ({@code ADDRESS}); and one store, one causal history shared with {@code kvs} and
 * {@code key-value-store} (2.2, 4.4) on a cluster where all three are enabled.
 *
 * <p>Two clusters are shared by the tests that only add fresh keys: {@link #plain} (2 nodes,
 * unreplicated: node i is shard i+1) and {@link #replicated} (4 nodes, {@code REPL_FACTOR=2}:
 * shard 1 = nodes 0 and 2, shard 2 = nodes 1 and 3, API.md 9.2). The tests that check key counts
 * on an empty cluster run first ({@link Order}). Tests that stop nodes, cut links or change the
 * view start their own cluster in {@link #own}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KvsKeysApiTest {

    private static final Duration FIVE_SECONDS = Duration.ofSeconds(5);
    private static final AtomicInteger KEYS = new AtomicInteger();
    private static final String SHARD_MISSING = "{\"error\":\"Shard does not exist\",\"message\":\"Error in GET\"}";

    private Cluster plain;
    private Cluster replicated;
    /** A test's own cluster, stopped after the test. */
    private Cluster own;

    @BeforeAll
    void startSharedClusters() throws Exception {
        plain = Cluster.startManual(2, FaultyHttpTransport::new, Map.of());
        replicated = Cluster.startManual(4, FaultyHttpTransport::new, Map.of("REPL_FACTOR", "2"));
    }

    @AfterAll
    void stopSharedClusters() {
        if (plain != null) {
            plain.close();
        }
        if (replicated != null) {
            replicated.close();
        }
    }

    @AfterEach
    void stopOwnCluster() {
        if (own != null) {
            own.close();
            own = null;
        }
    }

    // ---- helpers: requests ---------------------------------------------------------------------

    private static Http.Reply keys(Cluster cluster, int node, String method, String key, String body) {
        return body == null ? Http.send(method, cluster.url(node, "/kvs/keys/" + key))
                : Http.send(method, cluster.url(node, "/kvs/keys/" + key), body);
    }

    private static Http.Reply send(Cluster cluster, int node, String method, String path, String body) {
        return body == null ? Http.send(method, cluster.url(node, path)) : Http.send(method, cluster.url(node, path), body);
    }

    /** A request that must be answered within 5 s (API.md 10.6). */
    private static Http.Reply within5s(Supplier<Http.Reply> request) {
        long started = System.nanoTime();
        Http.Reply reply = request.get();
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertTrue(tookMillis < 5_000, "answered after " + tookMillis + " ms: " + reply);
        return reply;
    }

    /** A fresh key (never used by another test) that a layout of {@code shardCount} shards puts in {@code shard}. */
    private static String keyIn(int shard, int shardCount) {
        while (true) {
            String key = "q" + KEYS.incrementAndGet();
            if (HashRing.of(shardCount).shardOf(key) == shard) {
                return key;
            }
        }
    }

    /** A fresh key of exactly {@code length} characters in {@code shard} of {@code shardCount}. */
    private static String keyOfLength(int length, int shard, int shardCount) {
        String base = "L" + KEYS.incrementAndGet() + "-";
        for (int n = 0; ; n++) {
            String tail = Integer.toString(n);
            String key = base + "x".repeat(length - base.length() - tail.length()) + tail;
            if (HashRing.of(shardCount).shardOf(key) == shard) {
                assertEquals(length, key.length());
                return key;
            }
        }
    }

    private static String q(String text) {
        return "\"" + text + "\"";
    }

    private static String contextOf(Http.Reply reply) {
        JsonNode context = reply.json().get("causal-context");
        assertNotNull(context, () -> "no causal-context in " + reply);
        assertTrue(context.isObject(), () -> "causal-context is a JSON object (API.md 8.6): " + reply);
        return context.toString();
    }

    private static String addressOf(Http.Reply reply) {
        JsonNode address = reply.json().get("address");
        assertNotNull(address, () -> "no address in a proxied answer (API.md 8.7): " + reply);
        return address.asText();
    }

    // ---- helpers: exact bodies (API.md 8.2; null context: unreplicated; null address: served here) ----

    private static String tail(String context, String address) {
        return (context == null ? "" : ",\"causal-context\":" + context) + (address == null ? "" : ",\"address\":" + q(address)) + "}";
    }

    private static String added(String context, String address) {
        return "{\"message\":\"Added successfully\",\"replaced\":false" + tail(context, address);
    }

    private static String updated(String context, String address) {
        return "{\"message\":\"Updated successfully\",\"replaced\":true" + tail(context, address);
    }

    private static String retrieved(String valueJson, String context, String address) {
        return "{\"doesExist\":true,\"message\":\"Retrieved successfully\",\"value\":" + valueJson + tail(context, address);
    }

    private static String deleted(String context, String address) {
        return "{\"doesExist\":true,\"message\":\"Deleted successfully\"" + tail(context, address);
    }

    private static String missing(String method, String context, String address) {
        return "{\"doesExist\":false,\"error\":\"Key does not exist\",\"message\":\"Error in " + method + "\"" + tail(context, address);
    }

    private static String error(String text, String method, String context) {
        return "{\"error\":" + q(text) + ",\"message\":\"Error in " + method + "\"" + tail(context, null);
    }

    private static String keyCount(int count, String shardId) {
        return "{\"message\":\"Key count retrieved successfully\",\"key-count\":" + count + ",\"shard-id\":"
                + (shardId == null ? "null" : q(shardId)) + "}";
    }

    private static String shardInfo(String id, int count, String... replicas) {
        List<String> quoted = new ArrayList<>();
        for (String replica : replicas) {
            quoted.add(q(replica));
        }
        return "{\"message\":\"Shard information retrieved successfully\",\"shard-id\":" + q(id) + ",\"key-count\":" + count
                + ",\"replicas\":[" + String.join(",", quoted) + "]}";
    }

    private static final String TWO_SHARDS = "{\"message\":\"Shard membership retrieved successfully\",\"shards\":[\"1\",\"2\"]}";

    // =============================================================================================
    // Unreplicated mode (API.md 8.1, 8.2 first table): node 0 owns shard 1, node 1 owns shard 2.
    // =============================================================================================

    @Test
    @Order(1)
    void unreplicatedKeyCountsAndShardsOnAFreshClusterThenAfterWrites() {
        List<String> a = plain.addresses();
        for (int node = 0; node < 2; node++) {
            assertJson(send(plain, node, "GET", "/kvs/shards", null), 200, TWO_SHARDS);
            assertJson(send(plain, node, "GET", "/kvs/shards", "{}"), 200, TWO_SHARDS);
        }
        assertJson(send(plain, 0, "GET", "/kvs/key-count", "{}"), 200, keyCount(0, "1"));
        assertJson(send(plain, 1, "GET", "/kvs/key-count", null), 200, keyCount(0, "2"));
        assertJson(send(plain, 1, "GET", "/kvs/shards/1", null), 200, shardInfo("1", 0, a.get(0)));
        assertJson(send(plain, 0, "GET", "/kvs/shards/2", "{}"), 200, shardInfo("2", 0, a.get(1)));

        // Three keys of shard 1 and two of shard 2, all written through node 1.
        List<String> first = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            first.add(keyIn(1, 2));
            assertEquals(201, keys(plain, 1, "PUT", first.get(i), "{\"value\":" + i + "}").status());
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(201, keys(plain, 1, "PUT", keyIn(2, 2), "{\"value\":" + i + "}").status());
        }
        assertJson(send(plain, 0, "GET", "/kvs/key-count", "{}"), 200, keyCount(3, "1"));
        assertJson(send(plain, 1, "GET", "/kvs/key-count", "{}"), 200, keyCount(2, "2"));
        // key-count of another node's shard is asked of a member (API.md 8.4).
        assertJson(send(plain, 1, "GET", "/kvs/shards/1", null), 200, shardInfo("1", 3, a.get(0)));
        assertJson(send(plain, 0, "GET", "/kvs/shards/2", null), 200, shardInfo("2", 2, a.get(1)));
        // Tombstones are not counted (API.md 4.3).
        assertEquals(200, keys(plain, 0, "DELETE", first.get(0), null).status());
        assertJson(send(plain, 0, "GET", "/kvs/key-count", "{}"), 200, keyCount(2, "1"));
        assertJson(send(plain, 1, "GET", "/kvs/shards/1", null), 200, shardInfo("1", 2, a.get(0)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"9", "3", "0", "abc", "01", "-1"})
    void unreplicatedUnknownShardIs404(String id) {
        assertJson(send(plain, 0, "GET", "/kvs/shards/" + id, null), 404, SHARD_MISSING);
        assertJson(send(plain, 1, "GET", "/kvs/shards/" + id, "{}"), 404, SHARD_MISSING);
    }

    @Test
    void unreplicatedPutCreatesThenReplaces() {
        String key = keyIn(1, 2);
        assertJson(keys(plain, 0, "PUT", key, "{\"value\":\"v1\"}"), 201, added(null, null));
        assertJson(keys(plain, 0, "PUT", key, "{\"value\":\"v2\"}"), 200, updated(null, null));
        assertJson(keys(plain, 0, "GET", key, null), 200, retrieved("\"v2\"", null, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"text\"", "1", "2.50", "-7", "true", "false", "[1,\"a\",null,{\"b\":[]}]", "{\"n\":{\"m\":[1,2.5]},\"s\":\"x\"}", "\"\""})
    void unreplicatedGetOfAStoredKeyWithNoBodyAndWithAnEmptyObject(String valueJson) {
        String key = keyIn(1, 2);
        assertJson(keys(plain, 0, "PUT", key, "{\"value\":" + valueJson + "}"), 201, added(null, null));
        assertJson(keys(plain, 0, "GET", key, null), 200, retrieved(valueJson, null, null));
        assertJson(keys(plain, 0, "GET", key, "{}"), 200, retrieved(valueJson, null, null));
        assertEquals(Http.json(valueJson).toString(), keys(plain, 0, "GET", key, null).json().get("value").toString(),
                "the value comes back with its JSON type and content unchanged (API.md 4.3)");
    }

    @Test
    void unreplicatedGetAndDeleteOfAMissingKeyAre404() {
        String key = keyIn(1, 2);
        assertJson(keys(plain, 0, "GET", key, null), 404, missing("GET", null, null));
        assertJson(keys(plain, 0, "GET", key, "{}"), 404, missing("GET", null, null));
        assertJson(keys(plain, 0, "DELETE", key, null), 404, missing("DELETE", null, null));
        assertJson(keys(plain, 0, "DELETE", key, "{}"), 404, missing("DELETE", null, null));
    }

    @Test
    void unreplicatedDeleteThen404ThenPutCreatesAgain() {
        String key = keyIn(1, 2);
        String other = keyIn(1, 2);
        keys(plain, 0, "PUT", key, "{\"value\":1}");
        keys(plain, 0, "PUT", other, "{\"value\":1}");
        assertJson(keys(plain, 0, "DELETE", key, null), 200, deleted(null, null));
        assertJson(keys(plain, 0, "DELETE", other, "{}"), 200, deleted(null, null));
        assertJson(keys(plain, 0, "GET", key, null), 404, missing("GET", null, null));
        assertJson(keys(plain, 0, "DELETE", key, "{}"), 404, missing("DELETE", null, null));
        assertJson(keys(plain, 0, "PUT", key, "{\"value\":2}"), 201, added(null, null));
        assertJson(keys(plain, 0, "GET", key, "{}"), 200, retrieved("2", null, null));
    }

    @Test
    void unreplicatedKeyOf50IsAcceptedAnd51IsTooLong() {
        String fifty = keyOfLength(50, 1, 2);
        assertJson(keys(plain, 0, "PUT", fifty, "{\"value\":50}"), 201, added(null, null));
        assertJson(keys(plain, 0, "GET", fifty, null), 200, retrieved("50", null, null));
        String fiftyOne = keyOfLength(51, 1, 2);
        String tooLong = error("Key is too long", "PUT", null);
        assertJson(keys(plain, 0, "PUT", fiftyOne, "{\"value\":51}"), 400, tooLong);
        assertJson(keys(plain, 0, "PUT", fiftyOne, "{}"), 400, tooLong); // the key error comes first (API.md 4.3)
        assertJson(keys(plain, 0, "PUT", fiftyOne, null), 400, tooLong);
        // A GET or DELETE of a longer key is answered as for any missing key.
        assertJson(keys(plain, 0, "GET", fiftyOne, null), 404, missing("GET", null, null));
        assertJson(keys(plain, 0, "DELETE", fiftyOne, null), 404, missing("DELETE", null, null));
        // 50 code points that take more than 50 UTF-16 chars are still 50 (API.md 4.3).
        String emoji = "%F0%9F%98%80".repeat(50);
        Http.Reply wide = Http.send("PUT", plain.url(0, "/kvs/keys/" + emoji), "{\"value\":1}");
        assertTrue(wide.status() == 201, wide::toString);
        assertJson(Http.send("PUT", plain.url(0, "/kvs/keys/" + emoji + "a"), "{\"value\":1}"), 400, tooLong);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"value\":null}", "{\"val\":1}", "not json", "[1]", "\"v\"", "  ", "<absent>"})
    void unreplicatedPutWithoutAValueIsValueMissing(String body) {
        String key = keyIn(1, 2);
        Http.Reply reply = keys(plain, 0, "PUT", key, body.equals("<absent>") ? null : body);
        assertJson(reply, 400, error("Value is missing", "PUT", null));
        assertJson(keys(plain, 0, "GET", key, null), 404, missing("GET", null, null)); // nothing was stored
    }

    @Test
    void unreplicatedValidationErrorsForAnotherNodesKeyCarryNoAddress() {
        assertJson(keys(plain, 0, "PUT", keyOfLength(51, 2, 2), "{\"value\":1}"), 400, error("Key is too long", "PUT", null));
        assertJson(keys(plain, 0, "PUT", keyIn(2, 2), "{}"), 400, error("Value is missing", "PUT", null));
        assertJson(keys(plain, 1, "PUT", keyIn(1, 2), "{\"value\":null}"), 400, error("Value is missing", "PUT", null));
    }

    @Test
    void unreplicatedKeyOfTheOtherNodeIsProxiedAndNamesIt() {
        List<String> a = plain.addresses();
        // The owner, as the cluster reports it: shard 2's only replica.
        JsonNode replicas = send(plain, 0, "GET", "/kvs/shards/2", null).json().get("replicas");
        assertEquals(1, replicas.size());
        String owner = replicas.get(0).asText();
        assertEquals(a.get(1), owner);
        String key = keyIn(2, 2);
        assertJson(keys(plain, 0, "PUT", key, "{\"value\":{\"x\":1}}"), 201, added(null, owner));
        assertJson(keys(plain, 0, "PUT", key, "{\"value\":{\"x\":2}}"), 200, updated(null, owner));
        assertJson(keys(plain, 0, "GET", key, null), 200, retrieved("{\"x\":2}", null, owner));
        assertJson(keys(plain, 0, "GET", key, "{}"), 200, retrieved("{\"x\":2}", null, owner));
        // At the owner itself: no address.
        assertJson(keys(plain, 1, "GET", key, null), 200, retrieved("{\"x\":2}", null, null));
        assertJson(keys(plain, 1, "PUT", key, "{\"value\":3}"), 200, updated(null, null));
        assertJson(keys(plain, 0, "DELETE", key, "{}"), 200, deleted(null, owner));
        assertJson(keys(plain, 0, "GET", key, null), 404, missing("GET", null, owner));
        assertJson(keys(plain, 0, "DELETE", key, null), 404, missing("DELETE", null, owner));
        assertJson(keys(plain, 1, "DELETE", key, null), 404, missing("DELETE", null, null));
        // And the other way round: node 1 proxies shard 1's keys to node 0.
        String mine = keyIn(1, 2);
        assertJson(keys(plain, 1, "PUT", mine, "{\"value\":1}"), 201, added(null, a.get(0)));
        assertJson(keys(plain, 0, "GET", mine, null), 200, retrieved("1", null, null));
    }

    @Test
    void unreplicatedAnswersNeverCarryACausalContext() {
        String key = keyIn(1, 2);
        String remote = keyIn(2, 2);
        String owner = plain.address(1);
        // A client that sends a context anyway gets the unreplicated bodies, without one.
        assertJson(keys(plain, 0, "PUT", key, "{\"value\":1,\"causal-context\":{}}"), 201, added(null, null));
        assertJson(keys(plain, 0, "PUT", key, "{\"value\":2,\"causal-context\":null}"), 200, updated(null, null));
        assertJson(keys(plain, 0, "GET", key, "{\"causal-context\":\"\"}"), 200, retrieved("2", null, null));
        assertJson(keys(plain, 0, "PUT", remote, "{\"value\":1,\"causal-context\":{}}"), 201, added(null, owner));
        assertJson(keys(plain, 0, "GET", remote, "{\"causal-context\":{}}"), 200, retrieved("1", null, owner));
        assertJson(keys(plain, 0, "DELETE", key, "{\"causal-context\":{}}"), 200, deleted(null, null));
        assertJson(keys(plain, 0, "GET", key, "{\"causal-context\":{}}"), 404, missing("GET", null, null));
        assertJson(keys(plain, 0, "PUT", key, "{\"causal-context\":{}}"), 400, error("Value is missing", "PUT", null));
    }

    @Test
    void unreplicatedGenericErrorsUseTheDialectsFamily() {
        assertJson(keys(plain, 0, "GET", keyIn(1, 2), "{not json"), 400, error("Malformed JSON body", "GET", null));
        assertJson(keys(plain, 0, "DELETE", keyIn(1, 2), "[1]"), 400, error("Malformed JSON body", "DELETE", null));
        assertJson(Http.send("GET", plain.url(0, "/kvs/keys/a%2Fb")), 400, error("Invalid key", "GET", null));
        Http.Reply post = keys(plain, 0, "POST", keyIn(1, 2), "{\"value\":1}");
        assertJson(post, 405, error("Method not allowed", "POST", null));
        assertNotNull(post.allow(), "a 405 names the allowed methods (API.md 4.2)");
        assertTrue(post.allow().contains("PUT") && post.allow().contains("GET") && post.allow().contains("DELETE"), post::toString);
        assertJson(Http.send("GET", plain.url(0, "/kvs/keys/")), 404, "{\"error\":\"Not found\"}");
        assertJson(Http.send("GET", plain.url(0, "/kvs/keys/a/b")), 404, "{\"error\":\"Not found\"}");
    }

    @Test
    void unreplicatedOwnerStoppedIs503WithinFiveSeconds() throws Exception {
        own = Cluster.startManual(2, FaultyHttpTransport::new, Map.of());
        String remote = keyIn(2, 2);
        assertJson(keys(own, 0, "PUT", remote, "{\"value\":1}"), 201, added(null, own.address(1)));
        own.stopNode(1);
        for (String method : List.of("PUT", "GET", "DELETE")) {
            String body = method.equals("PUT") ? "{\"value\":2}" : "{}";
            assertJson(within5s(() -> keys(own, 0, method, remote, body)), 503, error("Unable to satisfy request", method, null));
        }
        assertJson(within5s(() -> keys(own, 0, "GET", remote, null)), 503, error("Unable to satisfy request", "GET", null));
        // The live node still serves its own keys.
        String local = keyIn(1, 2);
        assertJson(keys(own, 0, "PUT", local, "{\"value\":1}"), 201, added(null, null));
        assertJson(keys(own, 0, "GET", local, null), 200, retrieved("1", null, null));
        // A shard whose key count no member can give: 503 (API.md 8.4).
        assertJson(within5s(() -> send(own, 0, "GET", "/kvs/shards/2", null)), 503, error("Unable to satisfy request", "GET", null));
        assertJson(send(own, 0, "GET", "/kvs/shards/1", null), 200, shardInfo("1", 1, own.address(0)));
        // A view change that cannot reach a node of the new view: 503, and the old layout stays (API.md 8.5).
        assertJson(within5s(() -> send(own, 0, "PUT", "/kvs/view-change", "{\"view\":\"" + own.address(0) + "," + own.address(1) + "\"}")),
                503, error("Unable to satisfy request", "PUT", null));
        assertJson(send(own, 0, "GET", "/kvs/shards", null), 200, TWO_SHARDS);
        assertJson(keys(own, 0, "GET", local, null), 200, retrieved("1", null, null));
    }

    // =============================================================================================
    // Replicated mode (API.md 8.2 second and third tables, 8.6, 8.8): shard 1 = nodes 0 and 2,
    // shard 2 = nodes 1 and 3.
    // =============================================================================================

    @Test
    @Order(2)
    void replicatedKeyCountsAndShardsOnAFreshClusterThenAfterWrites() {
        List<String> a = replicated.addresses();
        for (int node = 0; node < 4; node++) {
            assertJson(send(replicated, node, "GET", "/kvs/shards", "{}"), 200, TWO_SHARDS);
            assertJson(send(replicated, node, "GET", "/kvs/key-count", "{}"), 200, keyCount(0, node % 2 == 0 ? "1" : "2"));
        }
        // Replicas in view order (API.md 9.2), asked at a node of the shard and at one outside it.
        assertJson(send(replicated, 0, "GET", "/kvs/shards/1", null), 200, shardInfo("1", 0, a.get(0), a.get(2)));
        assertJson(send(replicated, 1, "GET", "/kvs/shards/1", "{}"), 200, shardInfo("1", 0, a.get(0), a.get(2)));
        assertJson(send(replicated, 3, "GET", "/kvs/shards/2", null), 200, shardInfo("2", 0, a.get(1), a.get(3)));
        assertJson(send(replicated, 2, "GET", "/kvs/shards/2", null), 200, shardInfo("2", 0, a.get(1), a.get(3)));

        for (int i = 0; i < 3; i++) {
            assertEquals(201, keys(replicated, 1, "PUT", keyIn(1, 2), "{\"value\":" + i + ",\"causal-context\":{}}").status());
        }
        for (int i = 0; i < 2; i++) {
            assertEquals(201, keys(replicated, 0, "PUT", keyIn(2, 2), "{\"value\":" + i + ",\"causal-context\":{}}").status());
        }
        // Every replica counts its shard's keys once replication has settled.
        Await.until(FIVE_SECONDS, "every replica holds its shard's keys", () -> {
            for (int node = 0; node < 4; node++) {
                if (send(replicated, node, "GET", "/kvs/key-count", null).json().get("key-count").intValue() != (node % 2 == 0 ? 3 : 2)) {
                    return false;
                }
            }
            return true;
        });
        for (int node = 0; node < 4; node++) {
            assertJson(send(replicated, node, "GET", "/kvs/key-count", "{}"), 200,
                    node % 2 == 0 ? keyCount(3, "1") : keyCount(2, "2"));
        }
        assertJson(send(replicated, 1, "GET", "/kvs/shards/1", null), 200, shardInfo("1", 3, a.get(0), a.get(2)));
        assertJson(send(replicated, 0, "GET", "/kvs/shards/2", null), 200, shardInfo("2", 2, a.get(1), a.get(3)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"9", "3", "0", "abc", "01"})
    void replicatedUnknownShardIs404(String id) {
        assertJson(send(replicated, 0, "GET", "/kvs/shards/" + id, null), 404, SHARD_MISSING);
        assertJson(send(replicated, 3, "GET", "/kvs/shards/" + id, "{}"), 404, SHARD_MISSING);
    }

    @Test
    void replicatedPutCreatesThenReplacesAndEveryReplicaEchoesAnUpToDateContext() {
        String key = keyIn(1, 2);
        Http.Reply created = keys(replicated, 0, "PUT", key, "{\"value\":\"v1\",\"causal-context\":{}}");
        String c1 = contextOf(created);
        assertFalse(c1.equals("{}"), "a write is recorded in the context: " + created);
        assertJson(created, 201, added(c1, null));
        Http.Reply replaced = keys(replicated, 0, "PUT", key, "{\"value\":\"v2\",\"causal-context\":" + c1 + "}");
        String c2 = contextOf(replaced);
        assertJson(replaced, 200, updated(c2, null));
        // A client that is up to date gets back exactly the context it sent (API.md 4.4), at every replica.
        assertJson(keys(replicated, 0, "GET", key, "{\"causal-context\":" + c2 + "}"), 200, retrieved("\"v2\"", c2, null));
        assertJson(keys(replicated, 2, "GET", key, "{\"causal-context\":" + c2 + "}"), 200, retrieved("\"v2\"", c2, null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "\"\"", "{}", "<absent field>", "<absent body>"})
    void replicatedNoHistoryIsAcceptedInEveryForm(String form) {
        String field = form.equals("<absent field>") || form.equals("<absent body>") ? "" : ",\"causal-context\":" + form;
        String key = keyIn(1, 2);
        Http.Reply created = keys(replicated, 0, "PUT", key, "{\"value\":1" + field + "}");
        String c1 = contextOf(created);
        assertJson(created, 201, added(c1, null));
        String readBody = form.equals("<absent body>") ? null : "{" + (field.isEmpty() ? "" : field.substring(1)) + "}";
        // A read with no history returns the context of the version read: the write's own.
        assertJson(keys(replicated, 0, "GET", key, readBody), 200, retrieved("1", c1, null));
        Http.Reply replaced = keys(replicated, 0, "PUT", key, "{\"value\":2" + field + "}");
        assertJson(replaced, 200, updated(contextOf(replaced), null));
        Http.Reply gone = keys(replicated, 0, "DELETE", key, readBody);
        assertJson(gone, 200, deleted(contextOf(gone), null));
        assertJson(keys(replicated, 0, "GET", keyIn(1, 2), readBody), 404, missing("GET", "{}", null));
    }

    @Test
    void replicatedDeleteThen404CarryTheTombstonesContext() {
        String key = keyIn(1, 2);
        String c1 = contextOf(keys(replicated, 0, "PUT", key, "{\"value\":true,\"causal-context\":{}}"));
        Http.Reply deleted = keys(replicated, 0, "DELETE", key, "{\"causal-context\":" + c1 + "}");
        String c2 = contextOf(deleted);
        assertJson(deleted, 200, deleted(c2, null));
        assertJson(keys(replicated, 0, "GET", key, "{\"causal-context\":" + c2 + "}"), 404, missing("GET", c2, null));
        assertJson(keys(replicated, 0, "DELETE", key, "{\"causal-context\":" + c2 + "}"), 404, missing("DELETE", c2, null));
        assertJson(keys(replicated, 2, "GET", key, "{\"causal-context\":" + c2 + "}"), 404, missing("GET", c2, null));
        // Recreating a deleted key is "added" again.
        Http.Reply again = keys(replicated, 2, "PUT", key, "{\"value\":false,\"causal-context\":" + c2 + "}");
        assertJson(again, 201, added(contextOf(again), null));
    }

    @Test
    void replicatedMissingKeyIs404WithTheRequestsContext() {
        String key = keyIn(1, 2);
        assertJson(keys(replicated, 0, "GET", key, "{\"causal-context\":{}}"), 404, missing("GET", "{}", null));
        assertJson(keys(replicated, 0, "DELETE", key, "{\"causal-context\":{}}"), 404, missing("DELETE", "{}", null));
        String c = contextOf(keys(replicated, 0, "PUT", keyIn(1, 2), "{\"value\":1,\"causal-context\":{}}"));
        assertJson(keys(replicated, 0, "GET", key, "{\"causal-context\":" + c + "}"), 404, missing("GET", c, null));
        assertJson(keys(replicated, 0, "DELETE", key, "{\"causal-context\":" + c + "}"), 404, missing("DELETE", c, null));
    }

    @Test
    void replicatedKeyTooLongEchoesTheRequestsContext() {
        String c = contextOf(keys(replicated, 0, "PUT", keyIn(1, 2), "{\"value\":1,\"causal-context\":{}}"));
        String fifty = keyOfLength(50, 1, 2);
        Http.Reply ok = keys(replicated, 0, "PUT", fifty, "{\"value\":1,\"causal-context\":" + c + "}");
        assertJson(ok, 201, added(contextOf(ok), null));
        for (int shard = 1; shard <= 2; shard++) { // never proxied: no address even for the other shard's key
            String fiftyOne = keyOfLength(51, shard, 2);
            assertJson(keys(replicated, 0, "PUT", fiftyOne, "{\"value\":1,\"causal-context\":" + c + "}"), 400,
                    error("Key is too long", "PUT", c));
            assertJson(keys(replicated, 0, "PUT", fiftyOne, "{\"causal-context\":" + c + "}"), 400, error("Key is too long", "PUT", c));
            assertJson(keys(replicated, 0, "PUT", fiftyOne, "{\"value\":1}"), 400, error("Key is too long", "PUT", "{}"));
        }
    }

    @Test
    void replicatedValueMissingEchoesTheRequestsContext() {
        String c = contextOf(keys(replicated, 0, "PUT", keyIn(1, 2), "{\"value\":1,\"causal-context\":{}}"));
        for (int shard = 1; shard <= 2; shard++) {
            String key = keyIn(shard, 2);
            assertJson(keys(replicated, 0, "PUT", key, "{\"causal-context\":" + c + "}"), 400, error("Value is missing", "PUT", c));
            assertJson(keys(replicated, 0, "PUT", key, "{\"value\":null,\"causal-context\":" + c + "}"), 400,
                    error("Value is missing", "PUT", c));
            assertJson(keys(replicated, 0, "PUT", key, "{}"), 400, error("Value is missing", "PUT", "{}"));
            assertJson(keys(replicated, 0, "PUT", key, null), 400, error("Value is missing", "PUT", "{}"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"5", "\"abc\"", "[1]", "true", "{\"bogus\":1}", "{\"e\":1,\"s\":{\"1\":{\"a\":0}}}"})
    void replicatedInvalidContextIs400OnEveryMethod(String context) {
        String key = keyIn(1, 2);
        keys(replicated, 0, "PUT", key, "{\"value\":1,\"causal-context\":{}}");
        assertJson(keys(replicated, 0, "PUT", key, "{\"value\":2,\"causal-context\":" + context + "}"), 400,
                error("Invalid causal metadata", "PUT", "{}"));
        assertJson(keys(replicated, 0, "GET", key, "{\"causal-context\":" + context + "}"), 400,
                error("Invalid causal metadata", "GET", "{}"));
        assertJson(keys(replicated, 0, "DELETE", key, "{\"causal-context\":" + context + "}"), 400,
                error("Invalid causal metadata", "DELETE", "{}"));
        // Detected before proxying: no address for the other shard's key either.
        assertJson(keys(replicated, 0, "GET", keyIn(2, 2), "{\"causal-context\":" + context + "}"), 400,
                error("Invalid causal metadata", "GET", "{}"));
        Http.Reply unchanged = keys(replicated, 0, "GET", key, null);
        assertJson(unchanged, 200, retrieved("1", contextOf(unchanged), null));
    }

    @Test
    void replicatedKeyOfTheOtherShardIsProxiedToOneOfItsReplicasAndNamesIt() {
        List<String> shardTwo = List.of(replicated.address(1), replicated.address(3));
        String key = keyIn(2, 2);
        Http.Reply created = keys(replicated, 0, "PUT", key, "{\"value\":[1],\"causal-context\":{}}");
        String at = addressOf(created);
        assertTrue(shardTwo.contains(at), "a replica of the owning shard: " + created);
        String c1 = contextOf(created);
        assertJson(created, 201, added(c1, at));
        Http.Reply replaced = keys(replicated, 2, "PUT", key, "{\"value\":[2],\"causal-context\":" + c1 + "}");
        String c2 = contextOf(replaced);
        assertJson(replaced, 200, updated(c2, addressOf(replaced)));
        assertTrue(shardTwo.contains(addressOf(replaced)), replaced::toString);
        Http.Reply read = keys(replicated, 0, "GET", key, "{\"causal-context\":" + c2 + "}");
        assertJson(read, 200, retrieved("[2]", c2, addressOf(read)));
        assertTrue(shardTwo.contains(addressOf(read)), read::toString);
        // At the owning shard's replicas: no address.
        assertJson(keys(replicated, 1, "GET", key, "{\"causal-context\":" + c2 + "}"), 200, retrieved("[2]", c2, null));
        assertJson(keys(replicated, 3, "GET", key, "{\"causal-context\":" + c2 + "}"), 200, retrieved("[2]", c2, null));
        Http.Reply gone = keys(replicated, 0, "DELETE", key, "{\"causal-context\":" + c2 + "}");
        String c3 = contextOf(gone);
        assertJson(gone, 200, deleted(c3, addressOf(gone)));
        Http.Reply notThere = keys(replicated, 2, "GET", key, "{\"causal-context\":" + c3 + "}");
        assertJson(notThere, 404, missing("GET", c3, addressOf(notThere)));
        assertTrue(shardTwo.contains(addressOf(notThere)), notThere::toString);
        Http.Reply notThereEither = keys(replicated, 0, "DELETE", key, "{\"causal-context\":" + c3 + "}");
        assertJson(notThereEither, 404, missing("DELETE", c3, addressOf(notThereEither)));
    }

    @Test
    void replicatedMalformedBodyIs400WithTheDialectsFieldsAndACausalContext() {
        // API.md 4.1 + 4.5 + 8.8: a generic error of a key path in replicated mode has causal-context too.
        assertJson(keys(replicated, 0, "GET", keyIn(1, 2), "{not json"), 400, error("Malformed JSON body", "GET", "{}"));
        assertJson(keys(replicated, 0, "DELETE", keyIn(1, 2), "[1]"), 400, error("Malformed JSON body", "DELETE", "{}"));
    }

    @Test
    void replicatedInvalidKeyIs400WithTheDialectsFieldsAndACausalContext() {
        assertJson(Http.send("GET", replicated.url(0, "/kvs/keys/a%2Fb")), 400, error("Invalid key", "GET", "{}"));
    }

    @Test
    void replicatedMethodNotAllowedHasTheDialectsFieldsAndACausalContext() {
        Http.Reply post = keys(replicated, 0, "POST", keyIn(1, 2), "{\"value\":1,\"causal-context\":{}}");
        assertJson(post, 405, error("Method not allowed", "POST", "{}"));
        assertNotNull(post.allow(), post::toString);
    }

    @Test
    void replicatedOwningShardDownIs503WithinFiveSecondsWithACausalContext() throws Exception {
        // REPL_FACTOR=1 is replicated mode too (API.md 8.1): shard 1 = node 0, shard 2 = node 1.
        own = Cluster.startManual(2, FaultyHttpTransport::new, Map.of("REPL_FACTOR", "1"));
        String remote = keyIn(2, 2);
        Http.Reply put = keys(own, 0, "PUT", remote, "{\"value\":1,\"causal-context\":{}}");
        assertJson(put, 201, added(contextOf(put), own.address(1)));
        own.stopNode(1);
        for (String method : List.of("PUT", "GET", "DELETE")) {
            String body = method.equals("PUT") ? "{\"value\":2,\"causal-context\":{}}" : "{\"causal-context\":{}}";
            assertJson(within5s(() -> keys(own, 0, method, remote, body)), 503, error("Unable to satisfy request", method, "{}"));
        }
        Http.Reply local = keys(own, 0, "PUT", keyIn(1, 2), "{\"value\":1}");
        assertJson(local, 201, added(contextOf(local), null));
        assertJson(within5s(() -> send(own, 0, "GET", "/kvs/shards/2", "{}")), 503, error("Unable to satisfy request", "GET", null));
    }

    @Test
    void replicatedOwningShardDown503EchoesTheRequestsContext() throws Exception {
        own = Cluster.startManual(2, FaultyHttpTransport::new, Map.of("REPL_FACTOR", "1"));
        String c = contextOf(keys(own, 0, "PUT", keyIn(1, 2), "{\"value\":1,\"causal-context\":{}}"));
        assertFalse(c.equals("{}"));
        own.stopNode(1);
        String remote = keyIn(2, 2);
        for (String method : List.of("PUT", "GET", "DELETE")) {
            String body = method.equals("PUT") ? "{\"value\":2,\"causal-context\":" + c + "}" : "{\"causal-context\":" + c + "}";
            assertJson(within5s(() -> keys(own, 0, method, remote, body)), 503, error("Unable to satisfy request", method, c));
        }
    }

    /** A replica id starts with the node's address; ties between equal Lamport times go to the higher one. */
    private static boolean lowerReplicaId(Cluster cluster, int node, int other) {
        return (cluster.address(node) + "@").compareTo(cluster.address(other) + "@") < 0;
    }

    @Test
    void replicatedReadTheReplicaCannotSatisfyIs400AndWritesThereAreAcceptedAtOnceAndConverge() throws Exception {
        // One shard of two replicas; the isolated one is the one whose id wins ties.
        own = Cluster.startManual(2, FaultyHttpTransport::new, Map.of("REPL_FACTOR", "2"));
        int isolated = lowerReplicaId(own, 0, 1) ? 1 : 0;
        unsatisfiableReadThenWriteAtOnceThenConvergence(isolated, 1 - isolated);
    }

    @Test
    void replicatedWriteAcceptedBeforeItsDependencyStillWinsOverItAfterTheHeal() throws Exception {
        own = Cluster.startManual(2, FaultyHttpTransport::new, Map.of("REPL_FACTOR", "2"));
        int isolated = lowerReplicaId(own, 0, 1) ? 0 : 1;
        unsatisfiableReadThenWriteAtOnceThenConvergence(isolated, 1 - isolated);
    }

    /** API.md 8.2 (400 Unable to satisfy request), 8.6 (writes never wait; reads never stale), 10.2 (converge within 5 s). */
    private void unsatisfiableReadThenWriteAtOnceThenConvergence(int isolated, int peer) {
        Http.Reply first = keys(own, peer, "PUT", "x", "{\"value\":\"old\",\"causal-context\":{}}");
        String c1 = contextOf(first);
        assertJson(first, 201, added(c1, null));
        Await.until(FIVE_SECONDS, "the other replica has x",
                () -> keys(own, isolated, "GET", "x", "{\"causal-context\":{}}").status() == 200);
        assertJson(keys(own, isolated, "GET", "x", "{\"causal-context\":" + c1 + "}"), 200, retrieved("\"old\"", c1, null));

        own.isolate(isolated);
        Http.Reply second = keys(own, peer, "PUT", "x", "{\"value\":\"new\",\"causal-context\":" + c1 + "}");
        String c2 = contextOf(second);
        assertJson(second, 200, updated(c2, null));
        // The isolated replica cannot get the write the context names: 400, never the old value.
        Http.Reply stale = within5s(() -> keys(own, isolated, "GET", "x", "{\"causal-context\":" + c2 + "}"));
        assertJson(stale, 400, error("Unable to satisfy request", "GET", c2));
        // A context that does not name the new write is still served the old value there.
        assertJson(keys(own, isolated, "GET", "x", "{\"causal-context\":" + c1 + "}"), 200, retrieved("\"old\"", c1, null));
        // A DELETE there that cannot decide whether a key exists: 400 too.
        Http.Reply y = keys(own, peer, "PUT", "y", "{\"value\":\"y\",\"causal-context\":" + c2 + "}");
        String c3 = contextOf(y);
        assertJson(y, 201, added(c3, null));
        assertJson(within5s(() -> keys(own, isolated, "DELETE", "y", "{\"causal-context\":" + c3 + "}")), 400,
                error("Unable to satisfy request", "DELETE", c3));

        // Writes never wait: a PUT with that context is accepted at once by the isolated replica.
        long started = System.nanoTime();
        Http.Reply third = keys(own, isolated, "PUT", "x", "{\"value\":\"newest\",\"causal-context\":" + c2 + "}");
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        String c4 = contextOf(third);
        assertJson(third, 200, updated(c4, null));
        assertTrue(tookMillis < 1_000, "accepted at once, not after " + tookMillis + " ms");

        own.heal();
        // "newest" depends on "new": within 5 s every replica converges to it, and has y.
        Await.until(FIVE_SECONDS, "both replicas serve the newest x and y", () -> {
            for (int node = 0; node < 2; node++) {
                Http.Reply x = keys(own, node, "GET", "x", "{\"causal-context\":" + c4 + "}");
                Http.Reply yy = keys(own, node, "GET", "y", "{\"causal-context\":" + c3 + "}");
                if (x.status() != 200 || !x.json().get("value").asText().equals("newest") || yy.status() != 200) {
                    return false;
                }
            }
            return true;
        });
        for (int node = 0; node < 2; node++) {
            assertJson(keys(own, node, "GET", "x", "{\"causal-context\":" + c4 + "}"), 200, retrieved("\"newest\"", c4, null));
            assertJson(keys(own, node, "GET", "x", null), 200, retrieved("\"newest\"", c4, null));
            assertJson(keys(own, node, "GET", "y", "{\"causal-context\":" + c3 + "}"), 200, retrieved("\"y\"", c3, null));
        }
    }

    // =============================================================================================
    // /kvs/view-change (API.md 8.5), idle nodes (2.2, 8.3, 8.7)
    // =============================================================================================

    @Test
    void idleNodeCountsNothingProxiesEverythingAndAViewChangeGivenAsAnArrayTakesItIn() throws Exception {
        own = Cluster.startManual(2, FaultyHttpTransport::new, Map.of());
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            written.add("w" + i);
            assertTrue(keys(own, i % 2, "PUT", "w" + i, "{\"value\":" + i + "}").status() == 201);
        }
        int idle = own.addNode();
        Await.until(FIVE_SECONDS, "the new node answers as idle", () -> send(own, idle, "GET", "/kvs/key-count", null)
                .json().get("shard-id").isNull());
        assertJson(send(own, idle, "GET", "/kvs/key-count", "{}"), 200, keyCount(0, null));
        assertJson(send(own, idle, "GET", "/kvs/shards", null), 200, TWO_SHARDS);
        assertJson(send(own, idle, "GET", "/kvs/shards/2", null), 200,
                shardInfo("2", (int) written.stream().filter(k -> HashRing.of(2).shardOf(k) == 2).count(), own.address(1)));
        // Idle nodes always proxy (API.md 8.7), to the key's owner.
        for (String key : List.of("w1", "w2")) {
            String owner = own.address(HashRing.of(2).shardOf(key) - 1);
            assertJson(keys(own, idle, "GET", key, null), 200, retrieved(key.substring(1), null, owner));
        }
        String newKey = keyIn(1, 2);
        assertJson(keys(own, idle, "PUT", newKey, "{\"value\":\"n\"}"), 201, added(null, own.address(0)));
        written.add(newKey);
        assertJson(send(own, idle, "GET", "/kvs/key-count", null), 200, keyCount(0, null));

        // The view as a JSON array of addresses (API.md 8.5 †); synchronous, final counts, view order.
        List<String> a = own.addresses();
        int[] expected = new int[3];
        written.forEach(k -> expected[HashRing.of(3).shardOf(k) - 1]++);
        Http.Reply change = within5s(() -> send(own, 0, "PUT", "/kvs/view-change",
                "{\"view\":[" + q(a.get(0)) + "," + q(a.get(1)) + "," + q(a.get(2)) + "]}"));
        assertJson(change, 200, "{\"message\":\"View change successful\",\"shards\":["
                + "{\"address\":" + q(a.get(0)) + ",\"key-count\":" + expected[0] + "},"
                + "{\"address\":" + q(a.get(1)) + ",\"key-count\":" + expected[1] + "},"
                + "{\"address\":" + q(a.get(2)) + ",\"key-count\":" + expected[2] + "}]}");
        assertEquals(written.size(), expected[0] + expected[1] + expected[2]);
        assertJson(send(own, 2, "GET", "/kvs/key-count", "{}"), 200, keyCount(expected[2], "3"));
        assertJson(send(own, 0, "GET", "/kvs/key-count", "{}"), 200, keyCount(expected[0], "1"));
        assertJson(send(own, 1, "GET", "/kvs/shards", null), 200,
                "{\"message\":\"Shard membership retrieved successfully\",\"shards\":[\"1\",\"2\",\"3\"]}");
        assertJson(send(own, 0, "GET", "/kvs/shards/3", null), 200, shardInfo("3", expected[2], a.get(2)));
        // The new member serves every key, its own and (proxied) the others'.
        for (String key : written) {
            String owner = a.get(HashRing.of(3).shardOf(key) - 1);
            String value = key.equals(newKey) ? "\"n\"" : key.substring(1);
            assertJson(keys(own, 2, "GET", key, null), 200, retrieved(value, null, owner.equals(a.get(2)) ? null : owner));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{}|Invalid view", "{\"repl-factor\":1}|Invalid view", "{\"view\":\"\"}|Invalid view", "{\"view\":\" , \"}|Invalid view",
        "{\"view\":\"nohost\"}|Invalid view", "{\"view\":\"127.0.0.1\"}|Invalid view", "{\"view\":12}|Invalid view",
        "{\"view\":null}|Invalid view", "{\"view\":[]}|Invalid view", "{\"view\":[1]}|Invalid view",
        "{\"view\":\"VIEW\",\"repl-factor\":0}|Invalid repl-factor", "{\"view\":\"VIEW\",\"repl-factor\":-1}|Invalid repl-factor",
        "{\"view\":\"VIEW\",\"repl-factor\":1.5}|Invalid repl-factor", "{\"view\":\"VIEW\",\"repl-factor\":\"2\"}|Invalid repl-factor",
        "{\"view\":\"VIEW\",\"repl-factor\":true}|Invalid repl-factor",
        "{\"view\":\"VIEW\",\"repl-factor\":3}|View size is not a multiple of repl-factor",
        "not json|Malformed JSON body", "[\"VIEW\"]|Malformed JSON body"})
    void viewChangeRefusalsChangeNothing(String row) {
        String[] parts = row.split("\\|");
        String body = parts[0].replace("VIEW", String.join(",", plain.addresses()));
        assertJson(within5s(() -> send(plain, 1, "PUT", "/kvs/view-change", body)), 400, error(parts[1], "PUT", null));
        // Nothing changed: the same shards, each node still its own.
        assertJson(send(plain, 0, "GET", "/kvs/shards", null), 200, TWO_SHARDS);
        assertEquals("\"2\"", send(plain, 1, "GET", "/kvs/key-count", null).json().get("shard-id").toString());
        assertEquals("[" + q(plain.address(1)) + "]", send(plain, 0, "GET", "/kvs/shards/2", null).json().get("replicas").toString());
    }

    @Test
    void aReplicatedClusterKeepsItsFactorWhenReplFactorIsOmitted() {
        List<String> a = replicated.addresses();
        // Three nodes with the kept factor 2 is not a whole number of shards.
        assertJson(send(replicated, 0, "PUT", "/kvs/view-change", "{\"view\":\"" + a.get(0) + "," + a.get(1) + "," + a.get(2) + "\"}"),
                400, error("View size is not a multiple of repl-factor", "PUT", null));
        assertJson(send(replicated, 2, "PUT", "/kvs/view-change", "{\"view\":\"" + String.join(",", a) + "\",\"repl-factor\":3}"),
                400, error("View size is not a multiple of repl-factor", "PUT", null));
        assertJson(send(replicated, 1, "GET", "/kvs/shards", null), 200, TWO_SHARDS);
        assertEquals("[" + q(a.get(0)) + "," + q(a.get(2)) + "]",
                send(replicated, 1, "GET", "/kvs/shards/1", null).json().get("replicas").toString());
    }

    @Test
    void aViewChangeSentToAnIdleNodeIsRelayedToAMember() throws Exception {
        own = Cluster.startManual(2, FaultyHttpTransport::new, Map.of());
        for (int i = 0; i < 10; i++) {
            assertEquals(201, keys(own, 0, "PUT", "r" + i, "{\"value\":" + i + "}").status());
        }
        int idle = own.addNode();
        Await.until(FIVE_SECONDS, "the new node answers as idle", () -> send(own, idle, "GET", "/kvs/key-count", null)
                .json().get("shard-id").isNull());
        String view = String.join(",", own.addresses());
        Http.Reply change = within5s(() -> send(own, idle, "PUT", "/kvs/view-change", "{\"view\":\"" + view + "\"}"));
        assertEquals(200, change.status(), change::toString);
        int total = 0;
        for (JsonNode shard : change.json().get("shards")) {
            total += shard.get("key-count").intValue();
        }
        assertEquals(10, total, change::toString);
        assertJson(send(own, idle, "GET", "/kvs/key-count", null), 200,
                keyCount(change.json().get("shards").get(2).get("key-count").intValue(), "3"));
    }

    @Test
    void replFactorSwitchesAnUnreplicatedClusterToReplicatedMode() throws Exception {
        own = Cluster.startManual(2, FaultyHttpTransport::new, Map.of());
        List<String> a = own.addresses();
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            written.add("s" + i);
            assertJson(keys(own, 0, "PUT", "s" + i, "{\"value\":" + i + "}"), 201,
                    added(null, HashRing.of(2).shardOf("s" + i) == 1 ? null : a.get(1)));
        }
        int[] two = new int[2];
        written.forEach(k -> two[HashRing.of(2).shardOf(k) - 1]++);
        // Factor 1: the same two one-replica shards, now in replicated mode, in its response shape.
        Http.Reply change = within5s(() -> send(own, 1, "PUT", "/kvs/view-change",
                "{\"view\":\"" + a.get(0) + "," + a.get(1) + "\",\"repl-factor\":1}"));
        assertJson(change, 200, "{\"message\":\"View change successful\",\"shards\":["
                + "{\"shard-id\":\"1\",\"key-count\":" + two[0] + ",\"replicas\":[" + q(a.get(0)) + "]},"
                + "{\"shard-id\":\"2\",\"key-count\":" + two[1] + ",\"replicas\":[" + q(a.get(1)) + "]}]}");
        String local = written.stream().filter(k -> HashRing.of(2).shardOf(k) == 1).findFirst().orElseThrow();
        Http.Reply read = keys(own, 0, "GET", local, null);
        String c = contextOf(read);
        assertJson(read, 200, retrieved(local.substring(1), c, null));
        Http.Reply put = keys(own, 0, "PUT", keyIn(2, 2), "{\"value\":1,\"causal-context\":" + c + "}");
        assertJson(put, 201, added(contextOf(put), a.get(1)));
        written.add("(new)");
        String c2 = contextOf(put);

        // Factor 2: one shard of both nodes; every key there.
        Http.Reply merge = within5s(() -> send(own, 0, "PUT", "/kvs/view-change",
                "{\"view\":\"" + a.get(0) + "," + a.get(1) + "\",\"repl-factor\":2}"));
        assertJson(merge, 200, "{\"message\":\"View change successful\",\"shards\":["
                + "{\"shard-id\":\"1\",\"key-count\":" + written.size() + ",\"replicas\":[" + q(a.get(0)) + "," + q(a.get(1)) + "]}]}");
        // A context issued before the change is satisfied afterwards (API.md 8.5).
        Http.Reply after = keys(own, 1, "GET", local, "{\"causal-context\":" + c2 + "}");
        assertJson(after, 200, retrieved(local.substring(1), contextOf(after), null));

        // repl-factor omitted: the cluster keeps factor 2; the new view's order is the replicas' order.
        Http.Reply reorder = within5s(() -> send(own, 0, "PUT", "/kvs/view-change", "{\"view\":\"" + a.get(1) + "," + a.get(0) + "\"}"));
        assertJson(reorder, 200, "{\"message\":\"View change successful\",\"shards\":["
                + "{\"shard-id\":\"1\",\"key-count\":" + written.size() + ",\"replicas\":[" + q(a.get(1)) + "," + q(a.get(0)) + "]}]}");
        assertJson(send(own, 0, "GET", "/kvs/key-count", "{}"), 200, keyCount(written.size(), "1"));
        Http.Reply still = keys(own, 0, "GET", local, "{\"causal-context\":{}}");
        assertJson(still, 200, retrieved(local.substring(1), contextOf(still), null));
    }

    @Test
    void replicatedViewChangesAnswerEveryShardWithItsReplicasAndNodesLeftOutProxy() throws Exception {
        own = Cluster.startManual(4, FaultyHttpTransport::new, Map.of("REPL_FACTOR", "2"));
        List<String> a = own.addresses();
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            written.add("t" + i);
            assertTrue(keys(own, i % 4, "PUT", "t" + i, "{\"value\":" + i + ",\"causal-context\":{}}").status() == 201);
        }
        // Four nodes, factor 1: four shards of one, in view order.
        int[] four = new int[4];
        written.forEach(k -> four[HashRing.of(4).shardOf(k) - 1]++);
        Http.Reply change = within5s(() -> send(own, 3, "PUT", "/kvs/view-change",
                "{\"view\":\"" + String.join(",", a) + "\",\"repl-factor\":1}"));
        StringBuilder expected = new StringBuilder("{\"message\":\"View change successful\",\"shards\":[");
        for (int s = 0; s < 4; s++) {
            expected.append(s == 0 ? "" : ",").append("{\"shard-id\":\"").append(s + 1).append("\",\"key-count\":").append(four[s])
                    .append(",\"replicas\":[").append(q(a.get(s))).append("]}");
        }
        assertJson(change, 200, expected.append("]}").toString());
        assertEquals(20, four[0] + four[1] + four[2] + four[3]);
        for (int node = 0; node < 4; node++) {
            assertJson(send(own, node, "GET", "/kvs/key-count", null), 200, keyCount(four[node], Integer.toString(node + 1)));
        }

        // Down to two nodes, the factor (1) kept: the nodes left out keep no data but know the new view and proxy.
        int[] two = new int[2];
        written.forEach(k -> two[HashRing.of(2).shardOf(k) - 1]++);
        Http.Reply shrink = within5s(() -> send(own, 2, "PUT", "/kvs/view-change", "{\"view\":[" + q(a.get(0)) + "," + q(a.get(1)) + "]}"));
        assertJson(shrink, 200, "{\"message\":\"View change successful\",\"shards\":["
                + "{\"shard-id\":\"1\",\"key-count\":" + two[0] + ",\"replicas\":[" + q(a.get(0)) + "]},"
                + "{\"shard-id\":\"2\",\"key-count\":" + two[1] + ",\"replicas\":[" + q(a.get(1)) + "]}]}");
        assertEquals(20, two[0] + two[1]);
        for (int node = 2; node < 4; node++) {
            assertJson(send(own, node, "GET", "/kvs/key-count", "{}"), 200, keyCount(0, null));
            assertJson(send(own, node, "GET", "/kvs/shards", null), 200, TWO_SHARDS);
            for (String key : List.of("t0", "t1", "t2")) {
                Http.Reply read = keys(own, node, "GET", key, "{\"causal-context\":{}}");
                assertJson(read, 200, retrieved(key.substring(1), contextOf(read), a.get(HashRing.of(2).shardOf(key) - 1)));
            }
        }
    }

    // =============================================================================================
    // One store, one causal history across dialects (API.md 2.2, 3, 4.4): with ADDRESS and
    // REPL_FACTOR, kvs, key-value-store and kvs-keys are all served.
    // =============================================================================================

    private static String metadataOf(Http.Reply reply) {
        JsonNode metadata = reply.json().get("causal-metadata");
        assertNotNull(metadata, () -> "no causal-metadata in " + reply);
        assertTrue(metadata.isObject(), reply::toString);
        return metadata.toString();
    }

    private static String kvstoreRetrieved(String valueJson, String metadata) {
        return "{\"message\":\"Retrieved successfully\",\"doesExist\":true,\"value\":" + valueJson + ",\"causal-metadata\":" + metadata + "}";
    }

    private static String kvsFound(String valueJson, String metadata) {
        return "{\"result\":\"found\",\"value\":" + valueJson + ",\"causal-metadata\":" + metadata + "}";
    }

    @Test
    void aKeyWrittenThroughKvsIsReadThroughKeyValueStoreAndKvsKeysWithItsMetadata() {
        String key = keyIn(1, 2);
        String value = "{\"n\":[1,2.5],\"s\":\"x\"}";
        Http.Reply viaKvs = send(replicated, 0, "PUT", "/kvs/" + key, "{\"value\":" + value + ",\"causal-metadata\":null}");
        String m1 = metadataOf(viaKvs);
        assertJson(viaKvs, 201, "{\"result\":\"created\",\"causal-metadata\":" + m1 + "}");
        assertJson(send(replicated, 2, "GET", "/key-value-store/" + key, "{\"causal-metadata\":" + m1 + "}"), 200,
                kvstoreRetrieved(value, m1));
        // kvs metadata is a kvs-keys causal-context; an up-to-date client gets it back unchanged.
        assertJson(keys(replicated, 0, "GET", key, "{\"causal-context\":" + m1 + "}"), 200, retrieved(value, m1, null));
        assertJson(keys(replicated, 2, "GET", key, "{\"causal-context\":" + m1 + "}"), 200, retrieved(value, m1, null));
        Http.Reply proxied = keys(replicated, 1, "GET", key, "{\"causal-context\":" + m1 + "}");
        assertJson(proxied, 200, retrieved(value, m1, addressOf(proxied)));
        // The same key: a kvs-keys PUT replaces it.
        Http.Reply replaced = keys(replicated, 2, "PUT", key, "{\"value\":2,\"causal-context\":" + m1 + "}");
        String c2 = contextOf(replaced);
        assertJson(replaced, 200, updated(c2, null));
        assertJson(ShardedClient.retrying(() -> send(replicated, 0, "GET", "/kvs/" + key, "{\"causal-metadata\":" + c2 + "}")), 200,
                kvsFound("2", c2));
    }

    @Test
    void aKeyWrittenThroughKeyValueStoreIsReadThroughKvsAndKvsKeysWithItsMetadata() {
        String key = keyIn(2, 2);
        Http.Reply viaKvstore = send(replicated, 1, "PUT", "/key-value-store/" + key, "{\"value\":\"j\",\"causal-metadata\":\"\"}");
        String m1 = metadataOf(viaKvstore);
        assertJson(viaKvstore, 201, "{\"message\":\"Added successfully\",\"replaced\":false,\"causal-metadata\":" + m1
                + ",\"shard-id\":2}");
        assertJson(ShardedClient.retrying(() -> send(replicated, 3, "GET", "/kvs/" + key, "{\"causal-metadata\":" + m1 + "}")), 200,
                kvsFound("\"j\"", m1));
        assertJson(keys(replicated, 3, "GET", key, "{\"causal-context\":" + m1 + "}"), 200, retrieved("\"j\"", m1, null));
        assertJson(keys(replicated, 1, "GET", key, "{\"causal-context\":" + m1 + "}"), 200, retrieved("\"j\"", m1, null));
        Http.Reply proxied = keys(replicated, 0, "GET", key, "{\"causal-context\":" + m1 + "}");
        assertJson(proxied, 200, retrieved("\"j\"", m1, addressOf(proxied)));
        // A delete through kvs-keys is seen by key-value-store.
        Http.Reply gone = keys(replicated, 3, "DELETE", key, "{\"causal-context\":" + m1 + "}");
        String c2 = contextOf(gone);
        assertJson(gone, 200, deleted(c2, null));
        assertJson(send(replicated, 1, "GET", "/key-value-store/" + key, "{\"causal-metadata\":" + c2 + "}"), 404,
                "{\"doesExist\":false,\"error\":\"Key does not exist\",\"message\":\"Error in GET\",\"causal-metadata\":" + c2 + "}");
    }

    @Test
    void aKeyWrittenThroughKvsKeysIsReadThroughKvsAndKeyValueStoreWithItsContext() {
        String key = keyIn(1, 2);
        Http.Reply viaKeys = keys(replicated, 2, "PUT", key, "{\"value\":[true,null],\"causal-context\":{}}");
        String c1 = contextOf(viaKeys);
        assertJson(viaKeys, 201, added(c1, null));
        // A kvs-keys causal-context is causal-metadata to the other two dialects.
        assertJson(ShardedClient.retrying(() -> send(replicated, 0, "GET", "/kvs/" + key, "{\"causal-metadata\":" + c1 + "}")), 200,
                kvsFound("[true,null]", c1));
        assertJson(send(replicated, 0, "GET", "/key-value-store/" + key, "{\"causal-metadata\":" + c1 + "}"), 200,
                kvstoreRetrieved("[true,null]", c1));
        assertJson(send(replicated, 1, "GET", "/key-value-store/" + key, "{\"causal-metadata\":" + c1 + "}"), 200,
                kvstoreRetrieved("[true,null]", c1));
        // And a key-value-store write that depends on it, read back through kvs-keys with that metadata.
        String other = keyIn(2, 2);
        Http.Reply dependent = send(replicated, 0, "PUT", "/key-value-store/" + other, "{\"value\":3,\"causal-metadata\":" + c1 + "}");
        String m2 = metadataOf(dependent);
        assertEquals(201, dependent.status(), dependent::toString);
        assertJson(keys(replicated, 1, "GET", other, "{\"causal-context\":" + m2 + "}"), 200, retrieved("3", m2, null));
        assertJson(keys(replicated, 2, "GET", key, "{\"causal-context\":" + m2 + "}"), 200, retrieved("[true,null]", m2, null));
    }
}
