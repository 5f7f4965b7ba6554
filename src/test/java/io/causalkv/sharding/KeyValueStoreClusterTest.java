package io.causalkv.sharding;

import static io.causalkv.testing.ApiAssertions.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalkv.cluster.HashRing;
import io.causalkv.testing.Await;
import io.causalkv.testing.Cluster;
import io.causalkv.testing.FreePorts;
import io.causalkv.testing.Http;
import io.causalkv.transport.FaultyHttpTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The {@code key-value-store} dialect against running clusters over real HTTP: a sharded cluster
 * of 6 nodes in 2 shards that a 7th node joins and that is resharded into 3 (API.md 7.1, 7.4,
 * 9, 10.4, 10.5), {@code /key-value-store-view} (7.3), requests that wait for their causal
 * dependencies, within a bound (7.2, 10.6), and one store and one causal history shared with
 * {@code kvs} (2.2, 4.4).
 */
class KeyValueStoreClusterTest extends ClusterTestBase {

    private static final Duration FIVE_SECONDS = Duration.ofSeconds(5);
    private static final Duration TWENTY_SECONDS = Duration.ofSeconds(20);
    private static final String UNMET = "Causal dependencies not satisfied; try again later";

    // ---- a sharded cluster ---------------------------------------------------------------------

    @Test
    void sixNodesInTwoShardsJoinAddMemberAndReshardInThisDialectsWords() throws Exception {
        cluster = Cluster.start(6, FaultyHttpTransport::new, Map.of("SHARD_COUNT", "2"));
        List<String> a = cluster.addresses();
        awaitLayout(List.of(List.of(a.get(0), a.get(2), a.get(4)), List.of(a.get(1), a.get(3), a.get(5))), FIVE_SECONDS);
        for (int i = 0; i < 6; i++) {
            assertJson(send(i, "GET", "/key-value-store-shard/shard-ids"), 200,
                    "{\"message\":\"Shard IDs retrieved successfully\",\"shard-ids\":[1,2]}");
            assertJson(send(i, "GET", "/key-value-store-shard/node-shard-id"), 200,
                    "{\"message\":\"Shard ID of the node retrieved successfully\",\"shard-id\":" + (i % 2 + 1) + "}");
        }
        assertJson(send(5, "GET", "/key-value-store-shard/shard-id-members/1"), 200,
                "{\"message\":\"Members of shard ID retrieved successfully\",\"shard-id-members\":"
                        + jsonList(a.get(0), a.get(2), a.get(4)) + "}");
        assertJson(send(0, "GET", "/key-value-store-shard/shard-id-members/2"), 200,
                "{\"message\":\"Members of shard ID retrieved successfully\",\"shard-id-members\":"
                        + jsonList(a.get(1), a.get(3), a.get(5)) + "}");
        for (String id : List.of("3", "0", "-1", "abc", "01", "1.0")) {
            assertJson(send(1, "GET", "/key-value-store-shard/shard-id-members/" + id), 404, error("Shard ID does not exist", "GET"));
            assertJson(send(1, "GET", "/key-value-store-shard/shard-id-key-count/" + id), 404, error("Shard ID does not exist", "GET"));
        }

        // 600 keys through random nodes, one client chaining its metadata; each write names its shard.
        Random random = new Random(7);
        Map<String, Integer> written = new LinkedHashMap<>();
        String metadata = "\"\"";
        for (int i = 0; i < 600; i++) {
            String key = "kv" + i;
            int node = random.nextInt(6);
            String sent = metadata;
            int value = i;
            Http.Reply reply = retrying(() -> send(node, "PUT", "/key-value-store/" + key,
                    "{\"value\":" + value + ",\"causal-metadata\":" + sent + "}"));
            metadata = metadataOf(reply);
            assertJson(reply, 201, added(metadata, HashRing.of(2).shardOf(key)));
            written.put(key, i);
        }
        String beforeReshard = metadata;
        assertEveryKeyReadableEverywhere(written, beforeReshard);
        assertCountsAgreeAndBalanced(written, HashRing.of(2), 2);

        // A 7th node started without SHARD_COUNT joins unassigned.
        long joining = System.nanoTime();
        int added = cluster.addNodeWithout("SHARD_COUNT");
        String newcomer = cluster.address(added);
        String viewBody = "{\"message\":\"View retrieved successfully\",\"view\":\"" + String.join(",", cluster.addresses()) + "\"}";
        for (int i = 0; i < 7; i++) {
            int node = i;
            Await.until(Await.remaining(FIVE_SECONDS, joining), "node " + node + " lists the newcomer last in its view",
                    () -> send(node, "GET", "/key-value-store-view").json().equals(Http.json(viewBody)));
            assertJson(send(node, "GET", "/key-value-store-view"), 200, viewBody);
        }
        assertJson(send(added, "GET", "/key-value-store-shard/node-shard-id"), 200,
                "{\"message\":\"Shard ID of the node retrieved successfully\",\"shard-id\":null}");

        // add-member refusals change nothing.
        assertJson(send(3, "PUT", "/key-value-store-shard/add-member/1", address(a.get(1))), 400,
                error("Node already belongs to another shard", "PUT"));
        assertJson(send(3, "PUT", "/key-value-store-shard/add-member/1", address("10.9.9.9:8090")), 404,
                error("Node is not in the view", "PUT"));
        assertJson(send(3, "PUT", "/key-value-store-shard/add-member/3", address(newcomer)), 404,
                error("Shard ID does not exist", "PUT"));
        for (String body : List.of("{}", "{\"socket-address\":12}", "{\"socket-address\":\"nohost\"}", "{\"socket-address\":null}")) {
            assertJson(send(3, "PUT", "/key-value-store-shard/add-member/2", body), 400,
                    error("Missing or invalid socket-address", "PUT"));
        }
        assertJson(send(3, "PUT", "/key-value-store-shard/add-member/2"), 400, error("Missing or invalid socket-address", "PUT"));
        assertJson(send(added, "GET", "/key-value-store-shard/node-shard-id"), 200,
                "{\"message\":\"Shard ID of the node retrieved successfully\",\"shard-id\":null}");

        // add-member puts it last in shard 2, everywhere, with shard 2's keys.
        assertJson(send(0, "PUT", "/key-value-store-shard/add-member/2", address(newcomer)), 200,
                "{\"message\":\"Node added to shard successfully\"}");
        long addedAt = System.nanoTime();
        String shard2 = "{\"message\":\"Members of shard ID retrieved successfully\",\"shard-id-members\":"
                + jsonList(a.get(1), a.get(3), a.get(5), newcomer) + "}";
        for (int i = 0; i < 7; i++) {
            int node = i;
            Await.until(Await.remaining(FIVE_SECONDS, addedAt), "node " + node + " lists the newcomer last in shard 2",
                    () -> send(node, "GET", "/key-value-store-shard/shard-id-members/2").json().equals(Http.json(shard2)));
        }
        int shard2Keys = expectedCount(written, HashRing.of(2), 2);
        Await.until(Await.remaining(FIVE_SECONDS, addedAt), "the newcomer reports shard 2 and its " + shard2Keys + " keys",
                () -> send(added, "GET", "/key-value-store-shard/node-shard-id").json().get("shard-id").asInt() == 2
                        && keyCount(added, 2) == shard2Keys);

        // Reshard refusals change nothing.
        for (String body : List.of("{}", "{\"shard-count\":\"2\"}", "{\"shard-count\":0}", "{\"shard-count\":-1}",
                "{\"shard-count\":1.5}", "{\"shard-count\":null}", "{\"shard-count\":true}")) {
            assertJson(send(2, "PUT", "/key-value-store-shard/reshard", body), 400, error("Missing or invalid shard-count", "PUT"));
        }
        assertJson(send(2, "PUT", "/key-value-store-shard/reshard"), 400, error("Missing or invalid shard-count", "PUT"));
        Http.Reply tooMany = send(2, "PUT", "/key-value-store-shard/reshard", "{\"shard-count\":10}");
        assertJson(tooMany, 400, "{\"message\":\"Not enough nodes to provide fault-tolerance with the given shard count!\"}");
        assertFalse(tooMany.json().has("error"));
        assertJson(send(6, "PUT", "/key-value-store-shard/reshard", "{\"shard-count\":4}"), 400, // 7 nodes < 2 x 4
                "{\"message\":\"Not enough nodes to provide fault-tolerance with the given shard count!\"}");
        for (int i = 0; i < 7; i++) {
            assertJson(send(i, "GET", "/key-value-store-shard/shard-ids"), 200,
                    "{\"message\":\"Shard IDs retrieved successfully\",\"shard-ids\":[1,2]}");
            assertJson(send(i, "GET", "/key-value-store-shard/shard-id-members/2"), 200, shard2);
        }

        // Reshard into 3: every node assigned round-robin in cluster order, every key moved.
        assertJson(send(4, "PUT", "/key-value-store-shard/reshard", "{\"shard-count\":3}"), 200,
                "{\"message\":\"Resharding done successfully\"}");
        List<String> all = cluster.addresses();
        awaitLayout(List.of(
                List.of(all.get(0), all.get(3), all.get(6)),
                List.of(all.get(1), all.get(4)),
                List.of(all.get(2), all.get(5))), TWENTY_SECONDS);
        assertEveryKeyReadableEverywhere(written, beforeReshard);
        assertCountsAgreeAndBalanced(written, HashRing.of(3), 3);
        // A write in the new layout names the key's new shard.
        String key = "kv17";
        Http.Reply updated = retrying(() -> send(5, "PUT", "/key-value-store/" + key,
                "{\"value\":\"new\",\"causal-metadata\":" + beforeReshard + "}"));
        assertJson(updated, 200, "{\"message\":\"Updated successfully\",\"replaced\":true,\"causal-metadata\":"
                + metadataOf(updated) + ",\"shard-id\":" + HashRing.of(3).shardOf(key) + "}");
    }

    // ---- /key-value-store-view --------------------------------------------------------------

    @Test
    void viewChangesAnswerInThisDialectsWordsAndSpreadToEveryNode() throws Exception {
        cluster = Cluster.start(3, FaultyHttpTransport::new, Map.of());
        List<String> a = cluster.addresses();
        awaitViews(a, FIVE_SECONDS);
        assertJson(send(1, "GET", "/key-value-store-view"), 200,
                "{\"message\":\"View retrieved successfully\",\"view\":\"" + String.join(",", a) + "\"}");
        // A fresh loopback port nobody listens on: it refuses at once, and a node never seen alive
        // is never removed by failure detection (PeerHealth.hasFailed), so only our DELETE removes it.
        String absent = "127.0.0.1:" + FreePorts.reserve();

        assertJson(send(0, "PUT", "/key-value-store-view", address(a.get(2))), 404,
                error("Socket address already exists in the view", "PUT"));
        assertJson(send(0, "DELETE", "/key-value-store-view", address(absent)), 404,
                error("Socket address does not exist in the view", "DELETE"));
        for (String method : List.of("PUT", "DELETE")) {
            for (String body : List.of("{}", "{\"socket-address\":12}", "{\"socket-address\":\"nohost\"}")) {
                assertJson(send(0, method, "/key-value-store-view", body), 400, error("Missing or invalid socket-address", method));
            }
            assertJson(send(0, method, "/key-value-store-view"), 400, error("Missing or invalid socket-address", method));
        }
        for (int i = 0; i < 3; i++) {
            assertJson(send(i, "GET", "/key-value-store-view"), 200,
                    "{\"message\":\"View retrieved successfully\",\"view\":\"" + String.join(",", a) + "\"}");
        }

        assertJson(send(0, "PUT", "/key-value-store-view", address(absent)), 201,
                "{\"message\":\"Replica added successfully to the view\"}");
        List<String> withAbsent = new ArrayList<>(a);
        withAbsent.add(absent);
        awaitViews(withAbsent, FIVE_SECONDS);
        assertJson(send(2, "PUT", "/key-value-store-view", address(absent)), 404,
                error("Socket address already exists in the view", "PUT"));

        assertJson(send(1, "DELETE", "/key-value-store-view", address(absent)), 200,
                "{\"message\":\"Replica deleted successfully from the view\"}");
        awaitViews(a, FIVE_SECONDS);
        assertJson(send(2, "DELETE", "/key-value-store-view", address(absent)), 404,
                error("Socket address does not exist in the view", "DELETE"));
    }

    // ---- waiting for causal dependencies (API.md 7.2) ---------------------------------------

    @Test
    void aRequestWithUnmetDependenciesWaitsForThemAndThenAnswers() throws Exception {
        cluster = Cluster.start(3, FaultyHttpTransport::new, Map.of());
        awaitViews(cluster.addresses(), FIVE_SECONDS);
        Http.Reply first = send(0, "PUT", "/key-value-store/x", "{\"value\":1,\"causal-metadata\":\"\"}");
        String m1 = metadataOf(first);
        assertJson(first, 201, added(m1, 1));
        assertJson(send(2, "GET", "/key-value-store/x", "{\"causal-metadata\":" + m1 + "}"), 200, retrieved("1", m1));

        cluster.isolate(2);
        Http.Reply second = send(0, "PUT", "/key-value-store/x", "{\"value\":2,\"causal-metadata\":" + m1 + "}");
        String m2 = metadataOf(second);
        assertJson(second, 200, "{\"message\":\"Updated successfully\",\"replaced\":true,\"causal-metadata\":" + m2 + ",\"shard-id\":1}");
        Http.Reply third = send(0, "PUT", "/key-value-store/y", "{\"value\":\"y1\",\"causal-metadata\":" + m2 + "}");
        String m3 = metadataOf(third);
        assertJson(third, 201, added(m3, 1));
        // The kvs dialect refuses the same dependency at once (API.md 6.4): node 2 really lacks it.
        long refused = System.nanoTime();
        assertJson(Http.send("GET", cluster.url(2, "/kvs/x"), "{\"causal-metadata\":" + m2 + "}"), 503, "{\"error\":\"" + UNMET + "\"}");
        assertTrue(System.nanoTime() - refused < 500_000_000L, "kvs answers at once");

        ExecutorService clients = Executors.newFixedThreadPool(2);
        long sent = System.nanoTime();
        CompletableFuture<Timed> read = timed(clients, () -> send(2, "GET", "/key-value-store/x", "{\"causal-metadata\":" + m2 + "}"));
        // y=y1 (in m3) has not reached node 2 either: once it has, this PUT replaces it.
        CompletableFuture<Timed> write = timed(clients,
                () -> send(2, "PUT", "/key-value-store/y", "{\"value\":\"y2\",\"causal-metadata\":" + m3 + "}"));
        clients.shutdown();
        Await.elapse(Duration.ofSeconds(1)); // the partition lasts about 1 s
        assertFalse(read.isDone(), () -> "the GET waits for x=2 instead of answering: " + read.join());
        assertFalse(write.isDone(), () -> "the PUT waits for y=y1 instead of answering: " + write.join());
        long healed = System.nanoTime();
        cluster.heal();

        Timed got = read.get(15, TimeUnit.SECONDS);
        assertJson(got.reply(), 200, retrieved("2", m2)); // and the metadata is echoed exactly
        assertTrue(got.doneNanos() >= healed, "answered only after the heal");
        assertTrue(got.doneNanos() - sent < 10_500_000_000L, "within the default bound of 10 s: "
                + (got.doneNanos() - sent) / 1_000_000 + " ms");
        Timed put = write.get(15, TimeUnit.SECONDS);
        assertJson(put.reply(), 200, "{\"message\":\"Updated successfully\",\"replaced\":true,\"causal-metadata\":"
                + metadataOf(put.reply()) + ",\"shard-id\":1}");
        assertTrue(put.doneNanos() >= healed, "answered only after the heal");
        String m4 = metadataOf(put.reply());
        assertJson(send(0, "GET", "/key-value-store/y", "{\"causal-metadata\":" + m4 + "}"), 200, retrieved("\"y2\"", m4));
    }

    @Test
    void theWaitIsBoundedByKvsDependencyWaitMsThen503() throws Exception {
        cluster = Cluster.start(3, FaultyHttpTransport::new, Map.of("KVS_DEPENDENCY_WAIT_MS", "500"));
        awaitViews(cluster.addresses(), FIVE_SECONDS);
        String m1 = metadataOf(send(0, "PUT", "/key-value-store/x", "{\"value\":1,\"causal-metadata\":\"\"}"));
        assertJson(send(2, "GET", "/key-value-store/x", "{\"causal-metadata\":" + m1 + "}"), 200, retrieved("1", m1));
        cluster.isolate(2); // and it stays isolated: the dependency never arrives
        Http.Reply second = send(0, "PUT", "/key-value-store/x", "{\"value\":2,\"causal-metadata\":" + m1 + "}");
        assertEquals(200, second.status(), second::toString);
        String m2 = metadataOf(second);
        for (String method : List.of("GET", "PUT", "DELETE")) {
            String body = method.equals("PUT") ? "{\"value\":3,\"causal-metadata\":" + m2 + "}" : "{\"causal-metadata\":" + m2 + "}";
            long started = System.nanoTime();
            Http.Reply reply = send(2, method, "/key-value-store/x", body);
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertJson(reply, 503, error(UNMET, method));
            assertTrue(tookMillis >= 400 && tookMillis <= 3_000, method + ": 503 after " + tookMillis + " ms, expected about 500");
        }
        // It refused without storing anything: node 2 still serves x=1 to a reader of m1.
        assertJson(send(2, "GET", "/key-value-store/x", "{\"causal-metadata\":" + m1 + "}"), 200, retrieved("1", m1));
    }

    // ---- one store, one causal history across dialects (API.md 2.2, 4.4) ---------------------

    @Test
    void keysAndMetadataAreSharedWithTheKvsDialectAcrossNodes() throws Exception {
        cluster = Cluster.start(3, FaultyHttpTransport::new, Map.of());
        awaitViews(cluster.addresses(), FIVE_SECONDS);

        // Written with /kvs at node 0, read with /key-value-store at node 1 with the same metadata.
        Http.Reply viaKvs = Http.send("PUT", cluster.url(0, "/kvs/k"), "{\"value\":{\"n\":[1,2.50]},\"causal-metadata\":null}");
        assertEquals(201, viaKvs.status(), viaKvs::toString);
        String m1 = metadataOf(viaKvs);
        assertJson(send(1, "GET", "/key-value-store/k", "{\"causal-metadata\":" + m1 + "}"), 200, retrieved("{\"n\":[1,2.50]}", m1));

        // Written with /key-value-store at node 1, read with /kvs at node 2.
        Http.Reply viaKvstore = send(1, "PUT", "/key-value-store/j", "{\"value\":\"j\",\"causal-metadata\":" + m1 + "}");
        String m2 = metadataOf(viaKvstore);
        assertJson(viaKvstore, 201, added(m2, 1));
        Http.Reply readKvs = ShardedClient.retrying(() -> Http.send("GET", cluster.url(2, "/kvs/j"), "{\"causal-metadata\":" + m2 + "}"));
        assertJson(readKvs, 200, "{\"result\":\"found\",\"value\":\"j\",\"causal-metadata\":" + m2 + "}");

        // The same request answers the same metadata in both dialects, at every node.
        for (int i = 0; i < 3; i++) {
            int node = i;
            Http.Reply kvs = ShardedClient.retrying(() -> Http.send("GET", cluster.url(node, "/kvs/k"), "{\"causal-metadata\":" + m1 + "}"));
            Http.Reply kvstore = send(node, "GET", "/key-value-store/k", "{\"causal-metadata\":" + m1 + "}");
            assertEquals(200, kvs.status(), kvs::toString);
            assertEquals(kvs.json().get("causal-metadata").toString(), metadataOf(kvstore), "node " + node);
            assertEquals(m1, metadataOf(kvstore), "node " + node);
        }

        // A replace through one dialect is an update in the other, and a delete is seen by both.
        Http.Reply replaced = send(2, "PUT", "/key-value-store/k", "{\"value\":2,\"causal-metadata\":" + m2 + "}");
        String m3 = metadataOf(replaced);
        assertJson(replaced, 200, "{\"message\":\"Updated successfully\",\"replaced\":true,\"causal-metadata\":" + m3 + ",\"shard-id\":1}");
        Http.Reply deleted = ShardedClient.retrying(() -> Http.send("DELETE", cluster.url(0, "/kvs/k"), "{\"causal-metadata\":" + m3 + "}"));
        assertEquals(200, deleted.status(), deleted::toString);
        String m4 = metadataOf(deleted);
        assertJson(send(1, "GET", "/key-value-store/k", "{\"causal-metadata\":" + m4 + "}"), 404,
                "{\"doesExist\":false,\"error\":\"Key does not exist\",\"message\":\"Error in GET\",\"causal-metadata\":" + m4 + "}");
        assertJson(ShardedClient.retrying(() -> Http.send("GET", cluster.url(2, "/kvs/k"), "{\"causal-metadata\":" + m4 + "}")), 404,
                "{\"error\":\"Key does not exist\",\"causal-metadata\":" + m4 + "}");
    }

    // ---- helpers -------------------------------------------------------------------------------

    private record Timed(Http.Reply reply, long doneNanos) {
    }

    /** Sends {@code request} on its own thread; the answer and when it came. */
    private static CompletableFuture<Timed> timed(ExecutorService clients, Supplier<Http.Reply> request) {
        return CompletableFuture.supplyAsync(() -> {
            Http.Reply reply = request.get();
            return new Timed(reply, System.nanoTime());
        }, clients);
    }

    private Http.Reply send(int node, String method, String path) {
        return Http.send(method, cluster.url(node, path));
    }

    private Http.Reply send(int node, String method, String path, String body) {
        return Http.send(method, cluster.url(node, path), body);
    }

    /** 503s retried as API.md 10.2's client does (7 tries, 10 ms x 2^n). */
    private static Http.Reply retrying(Supplier<Http.Reply> request) {
        return ShardedClient.retrying(request);
    }

    private static String metadataOf(Http.Reply reply) {
        JsonNode metadata = reply.json().get("causal-metadata");
        assertTrue(metadata != null && metadata.isObject(), () -> "causal-metadata is a JSON object: " + reply);
        return metadata.toString();
    }

    private static String error(String text, String method) {
        return "{\"error\":\"" + text + "\",\"message\":\"Error in " + method + "\"}";
    }

    private static String added(String metadata, int shard) {
        return "{\"message\":\"Added successfully\",\"replaced\":false,\"causal-metadata\":" + metadata + ",\"shard-id\":" + shard + "}";
    }

    private static String retrieved(String valueJson, String metadata) {
        return "{\"message\":\"Retrieved successfully\",\"doesExist\":true,\"value\":" + valueJson + ",\"causal-metadata\":" + metadata + "}";
    }

    private static String address(String address) {
        return "{\"socket-address\":\"" + address + "\"}";
    }

    private static String jsonList(String... items) {
        return Arrays.stream(items).map(s -> "\"" + s + "\"").collect(Collectors.joining(",", "[", "]"));
    }

    /** Every node's {@code /key-value-store-view} is exactly {@code view}, in this order. */
    private void awaitViews(List<String> view, Duration within) {
        long start = System.nanoTime();
        String expected = "{\"message\":\"View retrieved successfully\",\"view\":\"" + String.join(",", view) + "\"}";
        for (int i = 0; i < cluster.size(); i++) {
            int node = i;
            Await.until(Await.remaining(within, start), "node " + node + " has the view " + view,
                    () -> send(node, "GET", "/key-value-store-view").json().equals(Http.json(expected)));
        }
    }

    private List<Integer> shardIds(int node) {
        List<Integer> ids = new ArrayList<>();
        send(node, "GET", "/key-value-store-shard/shard-ids").json().get("shard-ids").forEach(id -> ids.add(id.intValue()));
        return ids;
    }

    private List<String> members(int node, int shard) {
        Http.Reply reply = send(node, "GET", "/key-value-store-shard/shard-id-members/" + shard);
        assertEquals(200, reply.status(), reply::toString);
        List<String> members = new ArrayList<>();
        reply.json().get("shard-id-members").forEach(m -> members.add(m.asText()));
        return members;
    }

    private int keyCount(int node, int shard) {
        Http.Reply reply = send(node, "GET", "/key-value-store-shard/shard-id-key-count/" + shard);
        assertEquals(200, reply.status(), reply::toString);
        assertEquals(Set.of("message", "shard-id-key-count"), fields(reply.json()));
        assertEquals("Key count of shard ID retrieved successfully", reply.json().get("message").asText());
        assertTrue(reply.json().get("shard-id-key-count").isInt(), reply::toString);
        return reply.json().get("shard-id-key-count").intValue();
    }

    /** Every node reports exactly these shards, members (in order) and a consistent own shard id. */
    private void awaitLayout(List<List<String>> shards, Duration within) {
        long start = System.nanoTime();
        List<Integer> ids = new ArrayList<>();
        for (int s = 1; s <= shards.size(); s++) {
            ids.add(s);
        }
        for (int i = 0; i < cluster.size(); i++) {
            int node = i;
            Await.until(Await.remaining(within, start), "node " + node + " reports the layout " + shards, () -> {
                if (!shardIds(node).equals(ids)) {
                    return false;
                }
                for (int s = 1; s <= shards.size(); s++) {
                    if (!members(node, s).equals(shards.get(s - 1))) {
                        return false;
                    }
                }
                JsonNode own = send(node, "GET", "/key-value-store-shard/node-shard-id").json().get("shard-id");
                return own.isInt() && shards.get(own.intValue() - 1).contains(cluster.address(node));
            });
        }
    }

    /**
     * Every key at every node, with {@code metadata}: its value, and exactly that metadata back.
     * One client thread per node; 60 s in all.
     */
    private void assertEveryKeyReadableEverywhere(Map<String, Integer> written, String metadata) throws Exception {
        ExecutorService readers = Executors.newFixedThreadPool(cluster.size());
        long start = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < cluster.size(); i++) {
                int node = i;
                done.add(readers.submit(() -> {
                    for (Map.Entry<String, Integer> e : written.entrySet()) {
                        Http.Reply reply = retrying(() -> send(node, "GET", "/key-value-store/" + e.getKey(),
                                "{\"causal-metadata\":" + metadata + "}"));
                        assertJson(reply, 200, retrieved(Integer.toString(e.getValue()), metadata));
                    }
                    return null;
                }));
            }
            for (Future<?> reader : done) {
                try {
                    reader.get(Await.remaining(Duration.ofSeconds(60), start).toNanos(), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof AssertionError failure) {
                        throw failure;
                    }
                    throw e;
                }
            }
        } finally {
            readers.shutdownNow();
        }
    }

    private static int expectedCount(Map<String, Integer> written, HashRing ring, int shard) {
        return (int) written.keySet().stream().filter(k -> ring.shardOf(k) == shard).count();
    }

    /** Every node reports for each shard the count the ring gives it; counts add up and are balanced (API.md 9.5). */
    private void assertCountsAgreeAndBalanced(Map<String, Integer> written, HashRing ring, int shards) {
        int total = 0;
        for (int s = 1; s <= shards; s++) {
            int shard = s;
            int expected = expectedCount(written, ring, shard);
            for (int i = 0; i < cluster.size(); i++) {
                int node = i;
                Await.until(FIVE_SECONDS, "node " + node + " counts " + expected + " keys in shard " + shard,
                        () -> keyCount(node, shard) == expected);
            }
            double share = (double) written.size() / shards;
            assertTrue(expected > 0.75 * share && expected < 1.25 * share, "shard " + shard + " holds " + expected + " keys");
            total += expected;
        }
        assertEquals(written.size(), total, "shard counts add up to the live keys");
    }

    private static Set<String> fields(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
