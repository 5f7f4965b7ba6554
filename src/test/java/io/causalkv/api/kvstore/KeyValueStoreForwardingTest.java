package io.causalkv.api.kvstore;

import static io.causalkv.testing.ApiAssertions.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causalkv.testing.EmbeddedNode;
import io.causalkv.testing.ForwardingPair;
import io.causalkv.testing.Http;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Forwarding mode in the {@code key-value-store} dialect (API.md 7.1 "Modes", 6.2, 10.6): a
 * forwarding node relays {@code /key-value-store/<key>} unchanged to the main instance, and
 * answers 503 "Main instance is down" in this dialect's family when the main instance is gone.
 */
class KeyValueStoreForwardingTest {

    private static final Duration BOUND = Duration.ofSeconds(5);

    private ForwardingPair pair;

    @BeforeEach
    void start() throws Exception {
        pair = ForwardingPair.start();
    }

    @AfterEach
    void stop() {
        pair.close();
    }

    private Http.Reply viaForwarder(String method, String path, String body) {
        return pair.viaForwarder(method, path, body);
    }

    @Test
    void keyRequestsAreRelayedAndAnsweredExactlyAsTheMainInstanceAnswers() throws Exception {
        String[][] requests = {
                {"PUT", "/key-value-store/a", "{\"value\":{\"n\":[1,2.50]},\"causal-metadata\":\"\"}"},
                {"PUT", "/key-value-store/a", "{\"value\":\"again\",\"causal-metadata\":\"\"}"},
                {"GET", "/key-value-store/a", null},
                {"GET", "/key-value-store/a", "{\"causal-metadata\":\"\"}"},
                {"GET", "/key-value-store/missing", null},
                {"PUT", "/key-value-store/" + "x".repeat(51), "{\"value\":1}"},
                {"PUT", "/key-value-store/b", "{}"},
                {"PUT", "/key-value-store/b", "not json"},
                {"GET", "/key-value-store/a", "{broken"},
                {"DELETE", "/key-value-store/a", null},
                {"DELETE", "/key-value-store/a", null},
                {"PUT", "/key-value-store/a", "{\"value\":true,\"causal-metadata\":null}"},
        };
        // A second standalone node gets the same requests directly, to compare answers with.
        try (EmbeddedNode reference = EmbeddedNode.start(Map.of())) {
            for (String[] r : requests) {
                Http.Reply relayed = viaForwarder(r[0], r[1], r[2]);
                Http.Reply direct = r[2] == null ? Http.send(r[0], reference.url(r[1])) : Http.send(r[0], reference.url(r[1]), r[2]);
                assertEquals(direct.status(), relayed.status(), () -> String.join(" ", r));
                assertEquals(withoutTime(direct.body()), withoutTime(relayed.body()), () -> String.join(" ", r));
                assertEquals("application/json", relayed.contentType().split(";")[0]);
            }
        }
        // The data lives at the main instance, not at the forwarder.
        Http.Reply atMain = Http.send("GET", pair.main().url("/key-value-store/a"));
        assertJson(atMain, 200, "{\"message\":\"Retrieved successfully\",\"doesExist\":true,\"value\":true,\"causal-metadata\":"
                + atMain.json().get("causal-metadata") + "}");
        assertJson(Http.send("GET", pair.main().url("/kvs/a")), 200, "{\"result\":\"found\",\"value\":true}");
    }

    /**
     * The body with the metadata's write time taken out: it follows each node's wall clock
     * (HybridTime), so two nodes stamp the same request apart. Everything else must match.
     */
    private static String withoutTime(String body) {
        if (!body.startsWith("{") || !(Http.json(body).get("causal-metadata") instanceof ObjectNode metadata)) {
            return body;
        }
        ObjectNode json = (ObjectNode) Http.json(body);
        metadata.remove("l");
        json.set("causal-metadata", metadata);
        return json.toString();
    }

    @Test
    void viewAndShardPathsAnswer503InForwardingMode() {
        assertJson(viaForwarder("GET", "/key-value-store-view", null), 503,
                "{\"error\":\"Node is not part of a cluster\",\"message\":\"Error in GET\"}");
        assertJson(viaForwarder("GET", "/key-value-store-shard/shard-ids", null), 503,
                "{\"error\":\"Node is not part of a cluster\",\"message\":\"Error in GET\"}");
    }

    @Test
    void aStoppedMainInstanceGives503MainInstanceIsDownWithin5Seconds() {
        assertEquals(201, viaForwarder("PUT", "/key-value-store/k", "{\"value\":1,\"causal-metadata\":\"\"}").status());
        pair.main().close();
        for (String method : List.of("PUT", "GET", "DELETE")) {
            long started = System.nanoTime();
            Http.Reply reply = viaForwarder(method, "/key-value-store/k", method.equals("PUT") ? "{\"value\":2,\"causal-metadata\":\"\"}" : null);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertJson(reply, 503, "{\"error\":\"Main instance is down\",\"message\":\"Error in " + method + "\"}");
            assertTrue(took.compareTo(BOUND) < 0, method + " took " + took);
        }
    }
}
