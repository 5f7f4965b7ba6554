package io.causalkv.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.testing.EmbeddedNode;
import io.causalkv.testing.FreePorts;
import io.causalkv.testing.Http;
import io.causalkv.testing.RawHttp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The peer endpoints answer only at their own paths, {@code /internal/<operation>} exactly: no
 * dialect path, dot segment, encoded dot or slash, or doubled slash leads to a peer handler. The
 * node has no cluster token, so a path that reached a handler would be served.
 */
class PeerPathIsolationTest {

    private static final List<String> OPERATIONS =
            List.of("ping", "replicate", "sync", "join", "handoff", "reshard", "key-count");

    /** Ways to write {@code /internal/<op>} under a dialect path; {@code %s} is the operation. */
    private static final List<String> TRICKS = List.of(
            "/kvs/../internal/%s",
            "/kvs/./../internal/%s",
            "/kvs/%%2e%%2e/internal/%s",
            "/kvs/%%2E%%2E/internal/%s",
            "/kvs/.%%2e/internal/%s",
            "/kvs/..%%2finternal%%2f%s",
            "/kvs/%%2e%%2e%%2finternal%%2f%s",
            "/kvs/%%252e%%252e/internal/%s",
            "/kvs/..;/internal/%s",
            "/kvs//../internal/%s",
            "/kvs/keys/../../internal/%s",
            "/kvs/keys/%%2e%%2e/%%2e%%2e/internal/%s",
            "/key-value-store/../internal/%s",
            "/key-value-store-shard/../internal/%s",
            "/key-value-store-view/../internal/%s",
            "/shard/../internal/%s",
            "/view/../internal/%s",
            "/hello/../internal/%s",
            "/admin/../internal/%s",
            "/kvs/internal%%2f%s",
            "/kvs/internal/%s",
            "//internal/%s",
            "/internal//%s",
            "/internal/%s/",
            "/internal/./%s",
            "/internal/%%2e/%s",
            "/internal%%2f%s",
            "/%%69nternal/%s",
            "/internal/%s;x=1",
            "/./internal/%s",
            "/INTERNAL/%s");

    private static EmbeddedNode node;
    private static String self;

    @BeforeAll
    static void start() throws Exception {
        int port = FreePorts.reserve();
        self = "127.0.0.1:" + port;
        node = EmbeddedNode.startOn(port, Map.of("SOCKET_ADDRESS", self, "VIEW", self));
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void theRealPeerPathIsServedWhenNoTokenIsSet() {
        String answer = post("/internal/key-count", body("key-count"));
        assertEquals(200, RawHttp.status(answer), answer);
        assertTrue(RawHttp.body(answer).contains("\"count\""), answer);
    }

    @Test
    void aPeerPathTakesOnlyPostAndSaysSo() {
        for (String method : List.of("GET", "PUT", "DELETE", "PATCH")) {
            String answer = RawHttp.send(node.port(), method + " /internal/ping HTTP/1.1\r\nHost: " + self
                    + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            assertEquals(405, RawHttp.status(answer), answer);
            assertTrue(answer.contains("Allow: POST,OPTIONS"), answer);
            assertEquals("{\"error\":\"Method not allowed\"}", RawHttp.body(answer));
        }
        String options = RawHttp.send(node.port(), "OPTIONS /internal/ping HTTP/1.1\r\nHost: " + self
                + "\r\nConnection: close\r\n\r\n");
        assertEquals(200, RawHttp.status(options), options);
        assertTrue(options.contains("Allow: POST,OPTIONS"), options);
        String empty = post("/internal/ping", "");
        assertEquals(400, RawHttp.status(empty), empty);
        assertEquals("{\"error\":\"Malformed JSON body\"}", RawHttp.body(empty));
        String unreadable = post("/internal/ping", "{\"from\":\"nowhere\"}");
        assertEquals(400, RawHttp.status(unreadable), unreadable);
        assertEquals("{\"error\":\"Malformed peer message\"}", RawHttp.body(unreadable));
    }

    @Test
    void noDialectPathOrPathTrickReachesAPeerHandler() {
        List<String> reached = new ArrayList<>();
        for (String operation : OPERATIONS) {
            for (String trick : TRICKS) {
                String path = String.format(trick, operation);
                String answer = post(path, body(operation));
                int status = RawHttp.status(answer);
                String body = RawHttp.body(answer);
                if (status == 200 || body.contains("peer message") || !body.startsWith("{\"error\"")) {
                    reached.add(path + " -> " + status + " " + body);
                }
            }
        }
        assertEquals(List.of(), reached, "requests that reached a peer handler or were not refused in JSON");
        assertEquals(List.of(self), viewOf(), "no join got through");
    }

    private static List<String> viewOf() {
        List<String> view = new ArrayList<>();
        Http.send("GET", node.url("/view")).json().get("view").forEach(a -> view.add(a.asText()));
        return view;
    }

    /** A well-formed message for each operation, so a handler that got it would act and answer 200. */
    private static String body(String operation) {
        String shard = "{\"shard\":1,\"epoch\":1}";
        return switch (operation) {
            case "join" -> "{\"address\":\"127.0.0.1:1\"}";
            case "ping" -> "{\"from\":\"127.0.0.1:1\",\"map\":null}";
            case "replicate" -> "{\"from\":\"127.0.0.1:1\",\"shard\":" + shard + ",\"writes\":[]}";
            case "sync" -> "{\"from\":\"127.0.0.1:1\",\"shard\":" + shard + ",\"since\":{}}";
            case "handoff" -> "{\"shard\":" + shard + ",\"entries\":[]}";
            case "reshard" -> "{\"phase\":\"ABORT\",\"map\":null,\"participants\":[]}";
            default -> "{\"shard\":" + shard + "}";
        };
    }

    private static String post(String path, String json) {
        return RawHttp.send(node.port(), "POST " + path + " HTTP/1.1\r\nHost: " + self + "\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + json.length() + "\r\nConnection: close\r\n\r\n" + json);
    }
}
