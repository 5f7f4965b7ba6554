package io.causalkv.api.kvs;

import static io.causalkv.testing.ApiAssertions.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.causalkv.testing.EmbeddedNode;
import io.causalkv.testing.FreePorts;
import io.causalkv.testing.Http;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The rows of API.md 6.3 with exact bodies, on a one-replica cluster (SOCKET_ADDRESS, VIEW of itself). */
class KvsClusterApiTest {

    private static EmbeddedNode node;

    @BeforeAll
    static void start() throws Exception {
        int port = FreePorts.reserve();
        node = EmbeddedNode.startOn(port, Map.of("SOCKET_ADDRESS", "127.0.0.1:" + port, "VIEW", "127.0.0.1:" + port));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static Http.Reply send(String method, String path, String body) {
        return Http.send(method, node.url(path), body);
    }

    @Test
    void putAnswersCreatedThenReplacedWithMetadata() {
        Http.Reply created = send("PUT", "/kvs/a", "{\"value\":1,\"causal-metadata\":null}");
        assertEquals(201, created.status());
        String m1 = created.json().get("causal-metadata").toString();
        assertJson(created, 201, "{\"result\":\"created\",\"causal-metadata\":" + m1 + "}");
        Http.Reply replaced = send("PUT", "/kvs/a", "{\"value\":2,\"causal-metadata\":" + m1 + "}");
        String m2 = replaced.json().get("causal-metadata").toString();
        assertJson(replaced, 200, "{\"result\":\"replaced\",\"causal-metadata\":" + m2 + "}");
        assertJson(send("GET", "/kvs/a", "{\"causal-metadata\":" + m2 + "}"), 200,
                "{\"result\":\"found\",\"value\":2,\"causal-metadata\":" + m2 + "}");
    }

    @Test
    void getOfAMissingKeyIs404WithTheRequestsMetadata() {
        assertJson(send("GET", "/kvs/never", "{\"causal-metadata\":null}"), 404,
                "{\"error\":\"Key does not exist\",\"causal-metadata\":{}}");
        assertJson(Http.send("GET", node.url("/kvs/never")), 404, "{\"error\":\"Key does not exist\",\"causal-metadata\":{}}");
    }

    @Test
    void deleteAnswersDeletedAndThen404WithTheTombstonesMetadata() {
        String m1 = send("PUT", "/kvs/d", "{\"value\":true}").json().get("causal-metadata").toString();
        Http.Reply deleted = send("DELETE", "/kvs/d", "{\"causal-metadata\":" + m1 + "}");
        String m2 = deleted.json().get("causal-metadata").toString();
        assertJson(deleted, 200, "{\"result\":\"deleted\",\"causal-metadata\":" + m2 + "}");
        assertJson(send("DELETE", "/kvs/d", "{}"), 404, "{\"error\":\"Key does not exist\",\"causal-metadata\":" + m2 + "}");
        assertJson(send("GET", "/kvs/d", "{\"causal-metadata\":\"\"}"), 404, "{\"error\":\"Key does not exist\",\"causal-metadata\":" + m2 + "}");
    }

    @Test
    void validationErrorsCarryNoMetadata() {
        assertJson(send("PUT", "/kvs/" + "k".repeat(51), "{\"value\":1,\"causal-metadata\":7}"), 400, "{\"error\":\"Key is too long\"}");
        assertJson(send("PUT", "/kvs/b", "{\"causal-metadata\":7}"), 400, "{\"error\":\"PUT request does not specify a value\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"7", "\"x\"", "[1]", "{\"nope\":1}", "{\"e\":1,\"s\":{\"1\":{\"a\":0}}}"})
    void invalidMetadataIs400OnEveryMethod(String metadata) {
        String invalid = "{\"error\":\"Invalid causal metadata\"}";
        assertJson(send("PUT", "/kvs/c", "{\"value\":1,\"causal-metadata\":" + metadata + "}"), 400, invalid);
        assertJson(send("GET", "/kvs/c", "{\"causal-metadata\":" + metadata + "}"), 400, invalid);
        assertJson(send("DELETE", "/kvs/c", "{\"causal-metadata\":" + metadata + "}"), 400, invalid);
    }

    @Test
    void metadataNamingWritesThisReplicaNeverMadeIs503AtOnce() {
        String future = "{\"e\":1,\"s\":{\"1\":{\"127.0.0.1:1@x\":5}}}";
        String unmet = "{\"error\":\"Causal dependencies not satisfied; try again later\"}";
        assertJson(send("GET", "/kvs/f", "{\"causal-metadata\":" + future + "}"), 503, unmet);
        assertJson(send("PUT", "/kvs/f", "{\"value\":1,\"causal-metadata\":" + future + "}"), 503, unmet);
        assertJson(send("DELETE", "/kvs/f", "{\"causal-metadata\":" + future + "}"), 503, unmet);
        assertJson(send("GET", "/kvs/f", "{\"causal-metadata\":{\"e\":9,\"s\":{\"1\":{\"z\":1}}}}"), 503, unmet);
        assertJson(send("GET", "/kvs/f", "{}"), 404, "{\"error\":\"Key does not exist\",\"causal-metadata\":{}}");
    }

    @Test
    void dependenciesOnAnotherShardAreNeverWaitedFor() {
        assertJson(send("GET", "/kvs/g", "{\"causal-metadata\":{\"e\":1,\"s\":{\"2\":{\"127.0.0.1:1@x\":5}}}}"), 404,
                "{\"error\":\"Key does not exist\",\"causal-metadata\":{\"e\":1,\"s\":{\"2\":{\"127.0.0.1:1@x\":5}}}}");
    }

    @Test
    void healthAndReadinessAnswer() {
        assertJson(Http.send("GET", node.url("/health")), 200, "{\"status\":\"up\"}");
        assertJson(Http.send("GET", node.url("/ready")), 200, "{\"ready\":true}");
    }
}
