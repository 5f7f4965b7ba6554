package io.causalkv.api.kvs;

import static io.causalkv.testing.ApiAssertions.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.testing.EmbeddedNode;
import io.causalkv.testing.ForwardingPair;
import io.causalkv.testing.FreePorts;
import io.causalkv.testing.Http;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Forwarding mode (API.md 6.2) with two real nodes on 127.0.0.1: a main instance and a
 * forwarding node that relays every key request to it.
 */
class KvsForwardingTest {

    private static final String MAIN_DOWN = "{\"error\":\"Main instance is down\"}";
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
    void everyKeyOperationIsRelayedAndAnsweredExactlyAsTheMainInstanceAnswers() throws Exception {
        String[][] requests = {
                {"PUT", "/kvs/a", "{\"value\":{\"n\":[1,2.50]}}"},
                {"PUT", "/kvs/a", "{\"value\":\"again\"}"},
                {"GET", "/kvs/a", null},
                {"GET", "/kvs/missing", null},
                {"PUT", "/kvs/" + "x".repeat(51), "{\"value\":1}"},
                {"PUT", "/kvs/b", "{}"},
                {"PUT", "/kvs/b", "not json"},
                {"GET", "/kvs/a", "{broken"},
                {"DELETE", "/kvs/a", null},
                {"DELETE", "/kvs/a", null},
                {"PUT", "/kvs/a", "{\"value\":true,\"causal-metadata\":null}"},
        };
        // A second standalone node gets the same requests directly, to compare answers with.
        try (EmbeddedNode reference = EmbeddedNode.start(Map.of())) {
            for (String[] r : requests) {
                Http.Reply relayed = viaForwarder(r[0], r[1], r[2]);
                Http.Reply direct = r[2] == null ? Http.send(r[0], reference.url(r[1])) : Http.send(r[0], reference.url(r[1]), r[2]);
                assertEquals(direct.status(), relayed.status(), () -> String.join(" ", r));
                assertEquals(direct.body(), relayed.body(), () -> String.join(" ", r));
                assertEquals("application/json", relayed.contentType());
            }
        }
        // The data lives at the main instance, not at the forwarder.
        assertJson(Http.send("GET", pair.main().url("/kvs/a")), 200, "{\"result\":\"found\",\"value\":true}");
    }

    @Test
    void theForwarderHoldsNoDataOfItsOwn() {
        assertJson(viaForwarder("PUT", "/kvs/k", "{\"value\":1}"), 201, "{\"result\":\"created\"}");
        assertJson(Http.send("GET", pair.main().url("/kvs/k")), 200, "{\"result\":\"found\",\"value\":1}");
        assertJson(Http.send("PUT", pair.main().url("/kvs/k"), "{\"value\":2}"), 200, "{\"result\":\"replaced\"}");
        assertJson(viaForwarder("GET", "/kvs/k", null), 200, "{\"result\":\"found\",\"value\":2}");
    }

    @Test
    void viewAndShardPathsAnswer503InForwardingMode() {
        assertJson(viaForwarder("GET", "/view", null), 503, "{\"error\":\"Node is not part of a cluster\"}");
        assertJson(viaForwarder("GET", "/shard/ids", null), 503, "{\"error\":\"Node is not part of a cluster\"}");
    }

    @Test
    void aStoppedMainInstanceGives503Within5Seconds() {
        viaForwarder("PUT", "/kvs/k", "{\"value\":1}");
        pair.main().close();
        for (String method : List.of("PUT", "GET", "DELETE")) {
            long started = System.nanoTime();
            Http.Reply reply = viaForwarder(method, "/kvs/k", method.equals("PUT") ? "{\"value\":2}" : null);
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertJson(reply, 503, MAIN_DOWN);
            assertTrue(took.compareTo(BOUND) < 0, method + " took " + took);
        }
    }

    @Test
    void aSilentMainInstanceGives503Within5Seconds() throws Exception {
        // A "main instance" that accepts connections and never answers.
        int port = FreePorts.reserve();
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
             EmbeddedNode node = EmbeddedNode.start(Map.of("FORWARDING_ADDRESS", "127.0.0.1:" + port))) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (!silent.isClosed()) {
                        accepted.add(silent.accept());
                    }
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            long started = System.nanoTime();
            Http.Reply reply = Http.send("GET", node.url("/kvs/k"));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertJson(reply, 503, MAIN_DOWN);
            assertTrue(took.compareTo(BOUND) < 0, "took " + took);
        } finally {
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    @Test
    void aForwarderPointingAtANodeThatNeverStartedGives503() throws Exception {
        try (EmbeddedNode node = EmbeddedNode.start(Map.of("FORWARDING_ADDRESS", "127.0.0.1:" + FreePorts.reserve()))) {
            assertJson(Http.send("DELETE", node.url("/kvs/k")), 503, MAIN_DOWN);
        }
    }
}
