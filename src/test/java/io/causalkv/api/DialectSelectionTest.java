package io.causalkv.api;

import static io.causalkv.testing.ApiAssertions.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.testing.EmbeddedNode;
import io.causalkv.testing.FreePorts;
import io.causalkv.testing.Http;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which dialects a node serves (API.md 3): the default set; {@code kvs-keys} added by
 * {@code ADDRESS} (not {@code SOCKET_ADDRESS}) or {@code REPL_FACTOR}, taking the names
 * {@code key-count}, {@code view-change} and {@code shards} away from {@code kvs} for every
 * method; {@code KVS_API} winning over every rule; an unknown dialect stopping the node. Single
 * embedded nodes running the real webapp.
 */
class DialectSelectionTest {

    private static final String NOT_FOUND = "{\"error\":\"Not found\"}";
    private static final String NOT_ALLOWED_PUT = "{\"error\":\"Method not allowed\",\"message\":\"Error in PUT\"}";

    /** A node with manual membership and a VIEW of just itself (API.md 8.1): kvs-keys on, unreplicated. */
    private static EmbeddedNode manualNode(Map<String, String> extra) throws Exception {
        int port = FreePorts.reserve();
        Map<String, String> settings = new java.util.LinkedHashMap<>(extra);
        settings.put("ADDRESS", "127.0.0.1:" + port);
        settings.put("VIEW", "127.0.0.1:" + port);
        return EmbeddedNode.startOn(port, settings);
    }

    private static String messagesOf(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }

    // ---- the default set ----------------------------------------------------------------------

    @Test
    void byDefaultHelloKvsAndKeyValueStoreAreServedAndKvsKeysIsNot() throws Exception {
        try (EmbeddedNode node = EmbeddedNode.start(Map.of())) {
            assertJson(Http.send("GET", node.url("/hello")), 200, "{\"message\":\"world\"}");
            assertJson(Http.send("PUT", node.url("/kvs/a"), "{\"value\":1}"), 201, "{\"result\":\"created\"}");
            assertEquals(200, Http.send("GET", node.url("/key-value-store/a")).status(), "one store: kvs wrote it");
            // kvs-keys paths are unknown paths.
            assertJson(Http.send("PUT", node.url("/kvs/keys/a"), "{\"value\":1}"), 404, NOT_FOUND);
            assertJson(Http.send("GET", node.url("/kvs/keys/a")), 404, NOT_FOUND);
            assertJson(Http.send("GET", node.url("/kvs/shards/1")), 404, NOT_FOUND);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"key-count", "view-change", "shards"})
    void withoutKvsKeysItsNamesAreOrdinaryKvsKeys(String name) throws Exception {
        try (EmbeddedNode node = EmbeddedNode.start(Map.of())) {
            assertJson(Http.send("GET", node.url("/kvs/" + name)), 404, "{\"error\":\"Key does not exist\"}");
            assertJson(Http.send("PUT", node.url("/kvs/" + name), "{\"value\":\"v\"}"), 201, "{\"result\":\"created\"}");
            assertJson(Http.send("GET", node.url("/kvs/" + name)), 200, "{\"result\":\"found\",\"value\":\"v\"}");
            assertJson(Http.send("DELETE", node.url("/kvs/" + name)), 200, "{\"result\":\"deleted\"}");
        }
    }

    // ---- ADDRESS adds kvs-keys -----------------------------------------------------------------

    @Test
    void withAddressKvsKeysIsOnAlongsideTheDefaults() throws Exception {
        try (EmbeddedNode node = manualNode(Map.of())) {
            assertJson(Http.send("GET", node.url("/hello")), 200, "{\"message\":\"world\"}");
            assertJson(Http.send("GET", node.url("/kvs/key-count")), 200,
                    "{\"message\":\"Key count retrieved successfully\",\"key-count\":0,\"shard-id\":\"1\"}");
            assertJson(Http.send("GET", node.url("/kvs/shards"), "{}"), 200,
                    "{\"message\":\"Shard membership retrieved successfully\",\"shards\":[\"1\"]}");
            assertJson(Http.send("PUT", node.url("/kvs/keys/a"), "{\"value\":1}"), 201,
                    "{\"message\":\"Added successfully\",\"replaced\":false}");
            // The other dialects see the same key.
            Http.Reply kvs = Http.send("GET", node.url("/kvs/a"));
            assertEquals(200, kvs.status(), kvs::toString);
            assertEquals(1, kvs.json().get("value").intValue());
            Http.Reply kvstore = Http.send("GET", node.url("/key-value-store/a"));
            assertEquals(200, kvstore.status(), kvstore::toString);
            assertEquals(1, kvstore.json().get("value").intValue());
            assertJson(Http.send("GET", node.url("/kvs/key-count")), 200,
                    "{\"message\":\"Key count retrieved successfully\",\"key-count\":1,\"shard-id\":\"1\"}");
        }
    }

    @Test
    void withKvsKeysOnItsNamesBelongToItForEveryMethod() throws Exception {
        try (EmbeddedNode node = manualNode(Map.of())) {
            Http.Reply putShards = Http.send("PUT", node.url("/kvs/shards"), "{\"value\":1}");
            assertJson(putShards, 405, NOT_ALLOWED_PUT);
            assertNotNull(putShards.allow(), "a 405 has an Allow header (API.md 4.2)");
            assertTrue(putShards.allow().contains("GET"), putShards::toString);

            Http.Reply getViewChange = Http.send("GET", node.url("/kvs/view-change"));
            assertJson(getViewChange, 405, "{\"error\":\"Method not allowed\",\"message\":\"Error in GET\"}");
            assertNotNull(getViewChange.allow());
            assertTrue(getViewChange.allow().contains("PUT"), getViewChange::toString);

            Http.Reply putKeyCount = Http.send("PUT", node.url("/kvs/key-count"), "{\"value\":1}");
            assertJson(putKeyCount, 405, NOT_ALLOWED_PUT);
            assertTrue(putKeyCount.allow() != null && putKeyCount.allow().contains("GET"), putKeyCount::toString);

            Http.Reply deleteKeyCount = Http.send("DELETE", node.url("/kvs/key-count"));
            assertJson(deleteKeyCount, 405, "{\"error\":\"Method not allowed\",\"message\":\"Error in DELETE\"}");
            Http.Reply deleteShards = Http.send("DELETE", node.url("/kvs/shards"));
            assertJson(deleteShards, 405, "{\"error\":\"Method not allowed\",\"message\":\"Error in DELETE\"}");
            // None of them was stored as a key.
            assertJson(Http.send("GET", node.url("/kvs/key-count")), 200,
                    "{\"message\":\"Key count retrieved successfully\",\"key-count\":0,\"shard-id\":\"1\"}");
            assertJson(Http.send("GET", node.url("/kvs/shards")), 200,
                    "{\"message\":\"Shard membership retrieved successfully\",\"shards\":[\"1\"]}");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"key-count", "view-change", "shards"})
    void withKvsKeysOnKeysOfThoseNamesStayReachableThroughTheOtherPaths(String name) throws Exception {
        try (EmbeddedNode node = manualNode(Map.of())) {
            Http.Reply viaKvstore = Http.send("PUT", node.url("/key-value-store/" + name), "{\"value\":\"v\",\"causal-metadata\":\"\"}");
            assertEquals(201, viaKvstore.status(), viaKvstore::toString);
            assertEquals("Added successfully", viaKvstore.json().get("message").asText());
            assertJson(Http.send("GET", node.url("/kvs/keys/" + name)), 200,
                    "{\"doesExist\":true,\"message\":\"Retrieved successfully\",\"value\":\"v\"}");
            assertJson(Http.send("PUT", node.url("/kvs/keys/" + name), "{\"value\":\"w\"}"), 200,
                    "{\"message\":\"Updated successfully\",\"replaced\":true}");
            Http.Reply read = Http.send("GET", node.url("/key-value-store/" + name));
            assertEquals(200, read.status(), read::toString);
            assertEquals("w", read.json().get("value").asText());
            assertJson(Http.send("DELETE", node.url("/kvs/keys/" + name)), 200,
                    "{\"doesExist\":true,\"message\":\"Deleted successfully\"}");
            assertEquals(404, Http.send("GET", node.url("/key-value-store/" + name)).status());
        }
    }

    @Test
    void socketAddressWinsOverAddressAndThenKvsKeysIsOff() throws Exception {
        int port = FreePorts.reserve();
        String self = "127.0.0.1:" + port;
        try (EmbeddedNode node = EmbeddedNode.startOn(port, Map.of("SOCKET_ADDRESS", self, "ADDRESS", self, "VIEW", self))) {
            assertJson(Http.send("GET", node.url("/kvs/keys/a")), 404, NOT_FOUND);
            Http.Reply put = Http.send("PUT", node.url("/kvs/key-count"), "{\"value\":1,\"causal-metadata\":null}");
            assertEquals(201, put.status(), put::toString);
            assertEquals("created", put.json().get("result").asText());
        }
    }

    // ---- REPL_FACTOR adds kvs-keys -----------------------------------------------------------

    @Test
    void withReplFactorKvsKeysIsOnAndInReplicatedMode() throws Exception {
        int port = FreePorts.reserve();
        String self = "127.0.0.1:" + port;
        try (EmbeddedNode node = EmbeddedNode.startOn(port, Map.of("SOCKET_ADDRESS", self, "VIEW", self, "REPL_FACTOR", "1"))) {
            assertJson(Http.send("GET", node.url("/kvs/shards")), 200,
                    "{\"message\":\"Shard membership retrieved successfully\",\"shards\":[\"1\"]}");
            assertJson(Http.send("PUT", node.url("/kvs/shards"), "{\"value\":1}"), 405, NOT_ALLOWED_PUT);
            Http.Reply put = Http.send("PUT", node.url("/kvs/keys/a"), "{\"value\":1,\"causal-context\":{}}");
            assertEquals(201, put.status(), put::toString);
            String context = put.json().get("causal-context").toString();
            assertJson(put, 201, "{\"message\":\"Added successfully\",\"replaced\":false,\"causal-context\":" + context + "}");
            assertJson(Http.send("GET", node.url("/hello")), 200, "{\"message\":\"world\"}");
        }
    }

    // ---- KVS_API wins ---------------------------------------------------------------------------

    @Test
    void kvsApiKvsKeysServesOnlyThatDialect() throws Exception {
        try (EmbeddedNode node = manualNode(Map.of("KVS_API", " kvs-keys "))) {
            assertJson(Http.send("GET", node.url("/hello")), 404, NOT_FOUND);
            assertJson(Http.send("POST", node.url("/test?msg=x")), 404, NOT_FOUND);
            assertJson(Http.send("PUT", node.url("/kvs/a"), "{\"value\":1}"), 404, NOT_FOUND);
            assertJson(Http.send("GET", node.url("/view")), 404, NOT_FOUND);
            assertJson(Http.send("PUT", node.url("/key-value-store/a"), "{\"value\":1}"), 404, NOT_FOUND);
            assertJson(Http.send("GET", node.url("/key-value-store-view")), 404, NOT_FOUND);
            assertJson(Http.send("PUT", node.url("/kvs/keys/a"), "{\"value\":1}"), 201,
                    "{\"message\":\"Added successfully\",\"replaced\":false}");
            assertJson(Http.send("GET", node.url("/kvs/key-count")), 200,
                    "{\"message\":\"Key count retrieved successfully\",\"key-count\":1,\"shard-id\":\"1\"}");
            // Without kvs, its method on a kvs-keys name is still the kvs-keys 405.
            assertJson(Http.send("PUT", node.url("/kvs/shards"), "{\"value\":1}"), 405, NOT_ALLOWED_PUT);
        }
    }

    @Test
    void kvsApiWithoutKvsKeysTurnsItOffEvenWithAddress() throws Exception {
        try (EmbeddedNode node = manualNode(Map.of("KVS_API", "kvs,hello"))) {
            assertJson(Http.send("GET", node.url("/kvs/keys/a")), 404, NOT_FOUND);
            assertJson(Http.send("GET", node.url("/kvs/shards/1")), 404, NOT_FOUND);
            Http.Reply put = Http.send("PUT", node.url("/kvs/key-count"), "{\"value\":1}");
            assertEquals(201, put.status(), "an ordinary kvs key again: " + put);
            assertJson(Http.send("GET", node.url("/hello")), 200, "{\"message\":\"world\"}");
        }
    }

    @Test
    void kvsApiWithAnUnknownDialectRefusesToStart() {
        Exception failure = assertThrows(Exception.class, () -> EmbeddedNode.start(Map.of("KVS_API", "bogus")));
        assertTrue(messagesOf(failure).contains("invalid setting KVS_API"), messagesOf(failure));
        Exception alongside = assertThrows(Exception.class, () -> EmbeddedNode.start(Map.of("KVS_API", "kvs-keys,bogus")));
        assertTrue(messagesOf(alongside).contains("invalid setting KVS_API"), messagesOf(alongside));
    }
}
