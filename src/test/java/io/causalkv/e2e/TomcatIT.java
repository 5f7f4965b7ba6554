package io.causalkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.testing.Await;
import io.causalkv.testing.FreePorts;
import io.causalkv.testing.Http;
import io.causalkv.testing.RawHttp;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged WAR on Tomcat 10.1 (Servlet 6.0), one Tomcat process per node, as on Jetty: a
 * single node serves the dialects with API.md's answers (JSON errors included), and a 3-node
 * replicated cluster forms its view and replicates writes with causal metadata.
 */
class TomcatIT {

    private static Path home() {
        Path home = TomcatNode.home();
        assertNotNull(home, "Tomcat is unpacked by mvn verify (pre-integration-test): run the test through Maven");
        return home;
    }

    @Test
    void aSingleNodeServesTheDialectsWithTheContractsAnswers() throws Exception {
        int port = FreePorts.reserve();
        try (TomcatNode node = TomcatNode.start(home(), Path.of("target/tomcat-nodes/single"), port, Map.of())) {
            node.awaitReady();
            assertEquals(Http.json("{\"message\":\"world\"}"), Http.send("GET", node.url("/hello")).json());
            Http.Reply put = Http.send("PUT", node.url("/kvs/colour"), "{\"value\":\"blue\"}");
            assertEquals(201, put.status(), put.body());
            Http.Reply get = Http.send("GET", node.url("/kvs/colour"));
            assertEquals(200, get.status(), get.body());
            assertEquals("blue", get.json().get("value").asText());
            Http.Reply kvstore = Http.send("GET", node.url("/key-value-store/colour"));
            assertEquals(200, kvstore.status(), kvstore.body());

            // The container's own refusals are JSON as on Jetty (the webapp's error page).
            assertJsonError(RawHttp.send(port, "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 404, "Not found");
            assertJsonError(RawHttp.send(port, "GET /kvs/a%2Fb HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 400, "Invalid key");
            String large = "{\"value\":\"" + "x".repeat(1024 * 1024) + "\"}";
            assertJsonError(RawHttp.send(port, "PUT /kvs/big HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + large.length() + "\r\nConnection: close\r\n\r\n" + large), 413, "Request body too large");
            // API.md 4.1: a malformed body on a PUT of a key is a missing value; elsewhere, malformed.
            assertJsonError(RawHttp.send(port, "PUT /kvs/k HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{nope"),
                    400, "PUT request does not specify a value");
            assertJsonError(RawHttp.send(port, "GET /kvs/k HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{nope"),
                    400, "Malformed JSON body");
        }
    }

    @Test
    void aReplicatedClusterFormsItsViewAndReplicatesWithCausalMetadata() throws Exception {
        List<Integer> ports = List.of(FreePorts.reserve(), FreePorts.reserve(), FreePorts.reserve());
        List<String> addresses = ports.stream().map(p -> "127.0.0.1:" + p).toList();
        String view = String.join(",", addresses);
        List<TomcatNode> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                nodes.add(TomcatNode.start(home(), Path.of("target/tomcat-nodes/node-" + i), ports.get(i),
                        Map.of("SOCKET_ADDRESS", addresses.get(i), "VIEW", view)));
            }
            nodes.forEach(TomcatNode::awaitReady); // a new cluster: once the nodes have heard one another
            for (TomcatNode node : nodes) {
                Await.until(Duration.ofSeconds(10), "node on " + node.port() + " lists every node",
                        () -> viewOf(node).containsAll(addresses));
            }
            Http.Reply put = Http.send("PUT", nodes.get(0).url("/kvs/x"), "{\"value\":1,\"causal-metadata\":null}");
            assertEquals(201, put.status(), put.body());
            String metadata = put.json().get("causal-metadata").toString();
            Http.Reply second = Http.send("PUT", nodes.get(1).url("/kvs/y"), "{\"value\":2,\"causal-metadata\":" + metadata + "}");
            assertEquals(201, second.status(), second.body());
            String latest = second.json().get("causal-metadata").toString();
            for (TomcatNode node : nodes) {
                for (String key : List.of("x", "y")) {
                    Await.until(Duration.ofSeconds(5), "node on " + node.port() + " serves " + key, () ->
                            Http.send("GET", node.url("/kvs/" + key), "{\"causal-metadata\":" + latest + "}").status() == 200);
                }
            }
        } finally {
            nodes.forEach(TomcatNode::close);
        }
    }

    private static List<String> viewOf(TomcatNode node) {
        List<String> view = new ArrayList<>();
        Http.send("GET", node.url("/view")).json().get("view").forEach(a -> view.add(a.asText()));
        return view;
    }

    private static void assertJsonError(String answer, int status, String error) {
        assertEquals(status, RawHttp.status(answer), answer);
        assertTrue(answer.toLowerCase().contains("content-type: application/json"), answer);
        assertEquals(Http.json("{\"error\":\"" + error + "\"}"), Http.json(RawHttp.body(answer)), answer);
    }
}
