package io.causalkv.api.kvstore;

import static io.causalkv.testing.ApiAssertions.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalkv.testing.EmbeddedNode;
import io.causalkv.testing.Http;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code key-value-store} dialect of a standalone node (API.md 7.1 "Modes": the bodies of
 * the tables, with {@code causal-metadata} and {@code "shard-id":1}), the common rules of API.md
 * 4.1 to 4.4 in this dialect's error family (4.5), one store shared with {@code kvs} (2.2), the
 * cluster paths outside a cluster, and the choice of dialects (3). The real webapp in an
 * embedded Jetty.
 */
class KeyValueStoreStandaloneApiTest {

    private static final String NOT_FOUND = "{\"error\":\"Not found\"}";
    private static final AtomicInteger KEYS = new AtomicInteger();

    private static EmbeddedNode node;

    @BeforeAll
    static void start() throws Exception {
        node = EmbeddedNode.start(Map.of());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** A key no other test uses. */
    private static String freshKey() {
        return "s" + KEYS.incrementAndGet();
    }

    private static Http.Reply send(String method, String path) {
        return Http.send(method, node.url(path));
    }

    private static Http.Reply send(String method, String path, String body) {
        return Http.send(method, node.url(path), body);
    }

    private static String metadataOf(Http.Reply reply) {
        JsonNode metadata = reply.json().get("causal-metadata");
        assertNotNull(metadata, () -> "no causal-metadata in " + reply);
        assertTrue(metadata.isObject(), () -> "causal-metadata is a JSON object (API.md 4.4): " + reply);
        return metadata.toString();
    }

    private static String error(String text, String method) {
        return "{\"error\":\"" + text + "\",\"message\":\"Error in " + method + "\"}";
    }

    private static String missing(String method, String metadata) {
        return "{\"doesExist\":false,\"error\":\"Key does not exist\",\"message\":\"Error in " + method
                + "\",\"causal-metadata\":" + metadata + "}";
    }

    private static String added(String metadata) {
        return "{\"message\":\"Added successfully\",\"replaced\":false,\"causal-metadata\":" + metadata + ",\"shard-id\":1}";
    }

    private static String updated(String metadata) {
        return "{\"message\":\"Updated successfully\",\"replaced\":true,\"causal-metadata\":" + metadata + ",\"shard-id\":1}";
    }

    private static String retrieved(String valueJson, String metadata) {
        return "{\"message\":\"Retrieved successfully\",\"doesExist\":true,\"value\":" + valueJson
                + ",\"causal-metadata\":" + metadata + "}";
    }

    /** PUTs {@code valueJson} with metadata {@code ""}, expects 201, and returns the metadata. */
    private static String create(String key, String valueJson) {
        Http.Reply reply = send("PUT", "/key-value-store/" + key, "{\"value\":" + valueJson + ",\"causal-metadata\":\"\"}");
        assertEquals(201, reply.status(), reply::toString);
        return metadataOf(reply);
    }

    // ---- API.md 7.1: the success rows -------------------------------------------------------

    @Test
    void putOfANewKeyIsAddedWithShardIdOne() {
        Http.Reply reply = send("PUT", "/key-value-store/" + freshKey(), "{\"value\":\"v\",\"causal-metadata\":\"\"}");
        assertJson(reply, 201, added(metadataOf(reply)));
    }

    @Test
    void putOfALiveKeyIsUpdated() {
        String key = freshKey();
        String m1 = create(key, "1");
        Http.Reply reply = send("PUT", "/key-value-store/" + key, "{\"value\":2,\"causal-metadata\":" + m1 + "}");
        String m2 = metadataOf(reply);
        assertJson(reply, 200, updated(m2));
        assertJson(send("GET", "/key-value-store/" + key, "{\"causal-metadata\":" + m2 + "}"), 200, retrieved("2", m2));
    }

    @Test
    void getOfAnExistingKeyRetrievesItAndEchoesUpToDateMetadata() {
        String key = freshKey();
        String m1 = create(key, "\"hello\"");
        // API.md 4.4: a GET carrying the metadata returned by the PUT of that key returns it unchanged.
        assertJson(send("GET", "/key-value-store/" + key, "{\"causal-metadata\":" + m1 + "}"), 200, retrieved("\"hello\"", m1));
    }

    @Test
    void aReadCarryingNewerMetadataReturnsThatMetadata() {
        // API.md 4.4: a read returns merge(request metadata, metadata of the version read); a
        // client that is up to date gets back exactly what it sent.
        String a = freshKey();
        String b = freshKey();
        String m1 = create(a, "\"a\"");
        Http.Reply second = send("PUT", "/key-value-store/" + b, "{\"value\":\"b\",\"causal-metadata\":" + m1 + "}");
        assertEquals(201, second.status(), second::toString);
        String m2 = metadataOf(second);
        assertJson(send("GET", "/key-value-store/" + a, "{\"causal-metadata\":" + m2 + "}"), 200, retrieved("\"a\"", m2));
    }

    @Test
    void getWithNoBodyAtAllRetrievesTheKey() {
        String key = freshKey();
        String m1 = create(key, "[1,2]");
        Http.Reply reply = Http.send("GET", node.url("/key-value-store/" + key), (byte[]) null, null);
        assertJson(reply, 200, retrieved("[1,2]", m1));
    }

    @Test
    void getOfAMissingKeyIs404WithDoesExistFalseAndMetadata() {
        String key = freshKey();
        assertJson(send("GET", "/key-value-store/" + key), 404, missing("GET", "{}"));
        assertJson(send("GET", "/key-value-store/" + key, "{\"causal-metadata\":\"\"}"), 404, missing("GET", "{}"));
    }

    @Test
    void getOfAMissingKeyReturnsTheRequestsMetadata() {
        // API.md 7.1: the 404 body has "causal-metadata":M2, M2 = merge(request metadata, ...).
        String m1 = create(freshKey(), "1");
        assertJson(send("GET", "/key-value-store/" + freshKey(), "{\"causal-metadata\":" + m1 + "}"), 404, missing("GET", m1));
    }

    @Test
    void deleteOfAnExistingKeyDeletesIt() {
        String key = freshKey();
        String m1 = create(key, "true");
        Http.Reply deleted = send("DELETE", "/key-value-store/" + key, "{\"causal-metadata\":" + m1 + "}");
        String m2 = metadataOf(deleted);
        assertJson(deleted, 200, "{\"message\":\"Deleted successfully\",\"doesExist\":true,\"causal-metadata\":" + m2
                + ",\"shard-id\":1}");
        assertJson(send("GET", "/key-value-store/" + key, "{\"causal-metadata\":" + m2 + "}"), 404, missing("GET", m2));
        // A deleted key is created again by a PUT (API.md 4.3).
        Http.Reply again = send("PUT", "/key-value-store/" + key, "{\"value\":3,\"causal-metadata\":" + m2 + "}");
        assertJson(again, 201, added(metadataOf(again)));
    }

    @Test
    void deleteWithNoBodyAtAllDeletesTheKey() {
        String key = freshKey();
        create(key, "1");
        Http.Reply deleted = send("DELETE", "/key-value-store/" + key);
        assertJson(deleted, 200, "{\"message\":\"Deleted successfully\",\"doesExist\":true,\"causal-metadata\":"
                + metadataOf(deleted) + ",\"shard-id\":1}");
    }

    @Test
    void deleteOfAMissingKeyIs404() {
        assertJson(send("DELETE", "/key-value-store/" + freshKey(), "{\"causal-metadata\":\"\"}"), 404, missing("DELETE", "{}"));
        assertJson(send("DELETE", "/key-value-store/" + freshKey()), 404, missing("DELETE", "{}"));
    }

    // ---- API.md 7.1: the error rows, 4.3 keys and values -----------------------------------

    @Test
    void aKeyOf50CodePointsIsAcceptedAnd51IsTooLong() {
        String fifty = "k".repeat(50);
        Http.Reply ok = send("PUT", "/key-value-store/" + fifty, "{\"value\":1,\"causal-metadata\":\"\"}");
        assertJson(ok, 201, added(metadataOf(ok)));
        String emoji = URLEncoder.encode("\uD83D\uDE00".repeat(50), StandardCharsets.UTF_8); // 50 code points, 100 UTF-16 units
        Http.Reply okEmoji = send("PUT", "/key-value-store/" + emoji, "{\"value\":1}");
        assertJson(okEmoji, 201, added(metadataOf(okEmoji)));

        String tooLong = error("Key is too long", "PUT");
        assertJson(send("PUT", "/key-value-store/" + "k".repeat(51), "{\"value\":1,\"causal-metadata\":\"\"}"), 400, tooLong);
        assertJson(send("PUT", "/key-value-store/" + emoji + "a", "{\"value\":1}"), 400, tooLong);
        // GET and DELETE of a longer key answer as for a key that does not exist.
        assertJson(send("GET", "/key-value-store/" + "k".repeat(51)), 404, missing("GET", "{}"));
        assertJson(send("DELETE", "/key-value-store/" + "k".repeat(51)), 404, missing("DELETE", "{}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"value\":null}", "{\"causal-metadata\":\"\"}", "{\"val\":1,\"causal-metadata\":\"\"}",
            "{\"value\":", "value=1", "[{\"value\":1}]", "\"value\"", "{\"value\":1} extra"})
    void aPutWithoutAValueOrWithAMalformedBodyIsValueMissing(String body) {
        String key = freshKey();
        assertJson(send("PUT", "/key-value-store/" + key, body), 400, error("Value is missing", "PUT"));
        assertJson(send("GET", "/key-value-store/" + key), 404, missing("GET", "{}"));
    }

    @Test
    void aPutWithNoBodyAtAllIsValueMissing() {
        assertJson(send("PUT", "/key-value-store/" + freshKey()), 400, error("Value is missing", "PUT"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"value\":null}", "not json", "{\"causal-metadata\":7}"})
    void aTooLongKeyWithoutAValueGetsTheKeyError(String body) {
        assertJson(send("PUT", "/key-value-store/" + "x".repeat(51), body), 400, error("Key is too long", "PUT"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"7", "\"x\"", "[1]", "[]", "true", "{\"nope\":1}", "{\"e\":1,\"s\":{\"1\":{\"a\":0}}}"})
    void invalidMetadataIs400OnEveryMethodAndChangesNothing(String metadata) {
        String key = freshKey();
        assertJson(send("PUT", "/key-value-store/" + key, "{\"value\":1,\"causal-metadata\":" + metadata + "}"), 400,
                error("Invalid causal metadata", "PUT"));
        assertJson(send("GET", "/key-value-store/" + key, "{\"causal-metadata\":" + metadata + "}"), 400,
                error("Invalid causal metadata", "GET"));
        assertJson(send("DELETE", "/key-value-store/" + key, "{\"causal-metadata\":" + metadata + "}"), 400,
                error("Invalid causal metadata", "DELETE"));
        assertJson(send("GET", "/key-value-store/" + key), 404, missing("GET", "{}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"causal-metadata\":\"\",", "\"causal-metadata\":null,", "\"causal-metadata\":{},", ""})
    void everyFormOfNoCausalHistoryIsAccepted(String field) {
        String key = freshKey();
        Http.Reply put = send("PUT", "/key-value-store/" + key, "{" + field + "\"value\":\"v\"}");
        assertJson(put, 201, added(metadataOf(put)));
        String m1 = metadataOf(put);
        String noHistory = "{" + (field.isEmpty() ? "" : field.substring(0, field.length() - 1)) + "}";
        assertJson(send("GET", "/key-value-store/" + key, noHistory), 200, retrieved("\"v\"", m1));
        Http.Reply deleted = send("DELETE", "/key-value-store/" + key, noHistory);
        assertEquals(200, deleted.status(), deleted::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"text with \\\"quotes\\\" and \\u00e9\"", "\"\"", "0", "1", "-17", "2.50", "2.5e-7", "123456789012345678901234567890",
            "true", "false", "[]", "[1,\"a\",null,[{}]]", "{}", "{\"a\":{\"b\":[1,2,{\"c\":null}]},\"n\":1.0}",
    })
    void valuesOfEveryJsonTypeRoundTripExactly(String valueJson) {
        String key = freshKey();
        String m1 = create(key, valueJson);
        Http.Reply reply = send("GET", "/key-value-store/" + key, "{\"causal-metadata\":" + m1 + "}");
        assertJson(reply, 200, retrieved(valueJson, m1));
    }

    @Test
    void numbersKeepTheirTypeAndDecimalText() {
        String key = freshKey();
        String m = create(key, "1");
        Http.Reply one = send("GET", "/key-value-store/" + key, "{\"causal-metadata\":" + m + "}");
        assertTrue(one.body().contains("\"value\":1,") || one.body().contains("\"value\":1}"), one.body());
        m = metadataOf(send("PUT", "/key-value-store/" + key, "{\"value\":2.50,\"causal-metadata\":" + m + "}"));
        assertTrue(send("GET", "/key-value-store/" + key, "{\"causal-metadata\":" + m + "}").body().contains("\"value\":2.50"));
        m = metadataOf(send("PUT", "/key-value-store/" + key, "{\"value\":\"1\",\"causal-metadata\":" + m + "}"));
        assertTrue(send("GET", "/key-value-store/" + key, "{\"causal-metadata\":" + m + "}").body().contains("\"value\":\"1\""));
    }

    // ---- API.md 4.1, 4.2, 4.3 in this dialect's error family (4.5) --------------------------

    @Test
    void postIs405WithAnAllowHeader() {
        Http.Reply post = send("POST", "/key-value-store/k", "{\"value\":1}");
        assertJson(post, 405, error("Method not allowed", "POST"));
        assertNotNull(post.allow(), "Allow header");
        for (String method : List.of("GET", "PUT", "DELETE")) {
            assertTrue(post.allow().contains(method), post.allow());
        }
        assertJson(send("GET", "/key-value-store/k"), 404, missing("GET", "{}")); // the POST stored nothing
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "DELETE"})
    void aMalformedBodyOnGetOrDeleteIsABadRequest(String method) {
        String key = freshKey();
        String m1 = create(key, "1");
        assertJson(send(method, "/key-value-store/" + key, "{nope"), 400, error("Malformed JSON body", method));
        assertJson(send(method, "/key-value-store/" + key, "[]"), 400, error("Malformed JSON body", method));
        assertJson(send("GET", "/key-value-store/" + key, "{\"causal-metadata\":" + m1 + "}"), 200, retrieved("1", m1));
    }

    @Test
    void aBodyOfOneMebibytePlusOneByteIs413AndChangesNothing() {
        String key = freshKey();
        String m1 = create(key, "\"small\"");
        String prefix = "{\"value\":\"";
        String suffix = "\"}";
        String huge = prefix + "x".repeat(1024 * 1024 + 1 - prefix.length() - suffix.length()) + suffix;
        assertEquals(1024 * 1024 + 1, huge.getBytes(StandardCharsets.UTF_8).length);
        assertJson(send("PUT", "/key-value-store/" + key, huge), 413, error("Request body too large", "PUT"));
        assertJson(send("GET", "/key-value-store/" + key, "{\"causal-metadata\":" + m1 + "}"), 200, retrieved("\"small\"", m1));
    }

    @Test
    void anEncodedSlashInAKeyIsAnInvalidKey() {
        assertJson(send("PUT", "/key-value-store/a%2Fb", "{\"value\":1}"), 400, error("Invalid key", "PUT"));
        assertJson(send("GET", "/key-value-store/a%2fb"), 400, error("Invalid key", "GET"));
        assertJson(send("DELETE", "/key-value-store/a%2Fb"), 400, error("Invalid key", "DELETE"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"/key-value-store/", "/key-value-store", "/key-value-store/a/b", "/key-value-store/k/",
            "/Key-Value-Store/k", "/key-value-store-view/", "/key-value-store-shard", "/key-value-store-shard/shard-ids/"})
    void unknownPathsOfTheDialectAre404(String path) {
        assertJson(send("GET", path), 404, NOT_FOUND);
        assertJson(send("PUT", path, "{\"value\":1}"), 404, NOT_FOUND);
    }

    // ---- API.md 2.2: one store -------------------------------------------------------------

    @Test
    void aKeyWrittenThroughKvsIsReadThroughKeyValueStoreAndViceVersa() {
        String a = freshKey();
        assertJson(send("PUT", "/kvs/" + a, "{\"value\":{\"from\":\"kvs\"}}"), 201, "{\"result\":\"created\"}");
        Http.Reply read = send("GET", "/key-value-store/" + a);
        assertJson(read, 200, retrieved("{\"from\":\"kvs\"}", metadataOf(read)));
        Http.Reply replaced = send("PUT", "/key-value-store/" + a, "{\"value\":2,\"causal-metadata\":" + metadataOf(read) + "}");
        assertJson(replaced, 200, updated(metadataOf(replaced)));
        assertJson(send("GET", "/kvs/" + a), 200, "{\"result\":\"found\",\"value\":2}");

        String b = freshKey();
        create(b, "[2.50]");
        assertJson(send("GET", "/kvs/" + b), 200, "{\"result\":\"found\",\"value\":[2.50]}");
        assertJson(send("DELETE", "/kvs/" + b), 200, "{\"result\":\"deleted\"}");
        Http.Reply gone = send("GET", "/key-value-store/" + b);
        assertJson(gone, 404, missing("GET", metadataOf(gone)));
    }

    // ---- API.md 6.2 / 7.3 / 7.4: cluster paths outside a cluster --------------------------

    @Test
    void viewAndShardPathsAnswer503OutsideACluster() {
        String address = "{\"socket-address\":\"10.0.0.1:8085\"}";
        assertJson(send("GET", "/key-value-store-view"), 503, error("Node is not part of a cluster", "GET"));
        assertJson(send("PUT", "/key-value-store-view", address), 503, error("Node is not part of a cluster", "PUT"));
        assertJson(send("DELETE", "/key-value-store-view", address), 503, error("Node is not part of a cluster", "DELETE"));
        for (String path : List.of("shard-ids", "node-shard-id", "shard-id-members/1", "shard-id-key-count/1")) {
            assertJson(send("GET", "/key-value-store-shard/" + path), 503, error("Node is not part of a cluster", "GET"));
        }
        assertJson(send("PUT", "/key-value-store-shard/add-member/1", address), 503, error("Node is not part of a cluster", "PUT"));
        assertJson(send("PUT", "/key-value-store-shard/reshard", "{\"shard-count\":2}"), 503,
                error("Node is not part of a cluster", "PUT"));
    }

    // ---- API.md 3: choosing the dialects ---------------------------------------------------

    @Test
    void withKvsApiKvsAndHelloTheKeyValueStorePathsAreUnknown() throws Exception {
        try (EmbeddedNode other = EmbeddedNode.start(Map.of("KVS_API", "kvs,hello"))) {
            for (String path : List.of("/key-value-store/k", "/key-value-store-view", "/key-value-store-shard/shard-ids",
                    "/key-value-store-shard/node-shard-id")) {
                assertJson(Http.send("GET", other.url(path)), 404, NOT_FOUND);
            }
            assertJson(Http.send("PUT", other.url("/key-value-store/k"), "{\"value\":1}"), 404, NOT_FOUND);
            assertJson(Http.send("DELETE", other.url("/key-value-store/k")), 404, NOT_FOUND);
            assertJson(Http.send("POST", other.url("/key-value-store/k"), "{}"), 404, NOT_FOUND);
            assertJson(Http.send("PUT", other.url("/kvs/k"), "{\"value\":1}"), 201, "{\"result\":\"created\"}");
            assertJson(Http.send("GET", other.url("/key-value-store/k")), 404, NOT_FOUND);
        }
    }

    @Test
    void withKvsApiKeyValueStoreTheKvsPathIsUnknown() throws Exception {
        try (EmbeddedNode other = EmbeddedNode.start(Map.of("KVS_API", "key-value-store"))) {
            assertJson(Http.send("PUT", other.url("/kvs/k"), "{\"value\":1}"), 404, NOT_FOUND);
            assertJson(Http.send("GET", other.url("/kvs/k")), 404, NOT_FOUND);
            assertJson(Http.send("GET", other.url("/hello")), 404, NOT_FOUND);
            Http.Reply put = Http.send("PUT", other.url("/key-value-store/k"), "{\"value\":1,\"causal-metadata\":\"\"}");
            assertJson(put, 201, added(metadataOf(put)));
            assertJson(Http.send("GET", other.url("/kvs/k")), 404, NOT_FOUND);
        }
    }
}
