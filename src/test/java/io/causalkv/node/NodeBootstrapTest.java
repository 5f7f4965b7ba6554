package io.causalkv.node;

import static io.causalkv.testing.ApiAssertions.assertJson;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.testing.EmbeddedNode;
import io.causalkv.testing.Http;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The listener in a real webapp: settings from init parameters, refusal to start, isolation. */
class NodeBootstrapTest {

    @Test
    void aMalformedSettingStopsTheNodeWithAMessageNamingIt() {
        Exception failure = assertThrows(Exception.class, () -> EmbeddedNode.start(Map.of("SHARD_COUNT", "abc")));
        String messages = messagesOf(failure);
        assertTrue(messages.contains("causalkv: refusing to start: invalid setting SHARD_COUNT"), messages);
    }

    @Test
    void anUnknownDialectStopsTheNode() {
        Exception failure = assertThrows(Exception.class, () -> EmbeddedNode.start(Map.of("KVS_API", "kvs,gopher")));
        assertTrue(messagesOf(failure).contains("invalid setting KVS_API"), messagesOf(failure));
    }

    @Test
    void twoNodesInOneJvmKeepSeparateStores() throws Exception {
        try (EmbeddedNode first = EmbeddedNode.start(Map.of()); EmbeddedNode second = EmbeddedNode.start(Map.of())) {
            assertJson(Http.send("PUT", first.url("/kvs/shared"), "{\"value\":1}"), 201, "{\"result\":\"created\"}");
            assertJson(Http.send("GET", second.url("/kvs/shared")), 404, "{\"error\":\"Key does not exist\"}");
            assertJson(Http.send("PUT", second.url("/kvs/shared"), "{\"value\":2}"), 201, "{\"result\":\"created\"}");
            assertJson(Http.send("GET", first.url("/kvs/shared")), 200, "{\"result\":\"found\",\"value\":1}");
        }
    }

    @Test
    void kvsApiServesExactlyTheListedDialectsAndOthersAre404() throws Exception {
        try (EmbeddedNode kvsOnly = EmbeddedNode.start(Map.of("KVS_API", "kvs"));
             EmbeddedNode helloOnly = EmbeddedNode.start(Map.of("KVS_API", " hello "))) {
            assertJson(Http.send("GET", kvsOnly.url("/hello")), 404, "{\"error\":\"Not found\"}");
            assertJson(Http.send("POST", kvsOnly.url("/test?msg=x")), 404, "{\"error\":\"Not found\"}");
            assertJson(Http.send("PUT", kvsOnly.url("/kvs/a"), "{\"value\":1}"), 201, "{\"result\":\"created\"}");
            assertJson(Http.send("GET", helloOnly.url("/hello")), 200, "{\"message\":\"world\"}");
            assertJson(Http.send("PUT", helloOnly.url("/kvs/a"), "{\"value\":1}"), 404, "{\"error\":\"Not found\"}");
            assertJson(Http.send("GET", helloOnly.url("/view")), 404, "{\"error\":\"Not found\"}");
            assertJson(Http.send("GET", helloOnly.url("/kvs/a%2Fb")), 404, "{\"error\":\"Not found\"}");
        }
    }

    private static String messagesOf(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append(" | ");
        }
        return all.toString();
    }
}
