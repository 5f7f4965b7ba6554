package io.causalkv.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causalkv.testing.EmbeddedNode;
import io.causalkv.testing.Http;
import io.causalkv.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * {@link KeyPathFilter} answers the {@code kvs} and {@code key-value-store} key requests in front
 * of Jersey: every answer must be the one Jersey's resource gives, byte for byte but for the date,
 * the framing (length, chunks) and the metadata's own values. Two fresh nodes get the same session, one on the path
 * itself ({@code /kvs/<key>}), the other through Jersey (the same path with a query string, which
 * the filter leaves to Jersey and Jersey ignores); each session carries its own node's metadata
 * forward.
 */
class KeyPathFilterTest {

    private static final String LONG_KEY = "k".repeat(51);

    @Test
    void aClusterNodeAnswersEveryKvsKeyRequestAsJerseyDoes() throws Exception {
        compareSessions("kvs", port -> Map.of("SOCKET_ADDRESS", "127.0.0.1:" + port, "VIEW", "127.0.0.1:" + port));
    }

    @Test
    void aClusterNodeAnswersEveryKeyValueStoreKeyRequestAsJerseyDoes() throws Exception {
        compareSessions("key-value-store", port -> Map.of("SOCKET_ADDRESS", "127.0.0.1:" + port, "VIEW", "127.0.0.1:" + port));
    }

    @Test
    void aStandaloneNodeAnswersEveryKeyRequestAsJerseyDoes() throws Exception {
        compareSessions("kvs", port -> Map.of());
        compareSessions("key-value-store", port -> Map.of());
    }

    @Test
    void kvsKeysNamesAndOtherDialectsStillReachTheirOwnResources() throws Exception {
        try (EmbeddedNode node = EmbeddedNode.start(port -> Map.of("ADDRESS", "127.0.0.1:" + port,
                "VIEW", "127.0.0.1:" + port, "KVS_API", "kvs,kvs-keys"))) {
            // kvs-keys' own paths under /kvs/ are never kvs keys (API.md 3).
            Http.Reply count = Http.send("GET", node.url("/kvs/key-count"));
            assertEquals(200, count.status(), count.body());
            assertTrue(count.body().contains("count"), count.body());
            Http.Reply shards = Http.send("PUT", node.url("/kvs/shards"), "{\"value\":1}");
            assertEquals(405, shards.status(), shards.body());
        }
    }

    private void compareSessions(String dialect, IntFunction<Map<String, String>> settings) throws Exception {
        try (EmbeddedNode fast = EmbeddedNode.start(settings); EmbeddedNode jersey = EmbeddedNode.start(settings)) {
            Session onPath = new Session(fast.port(), dialect, "");
            Session viaJersey = new Session(jersey.port(), dialect, "?via=jersey");
            List<String[]> steps = new ArrayList<>();
            steps.add(new String[] {"PUT", "a", "{\"value\":\"x\",\"causal-metadata\":null}"});
            steps.add(new String[] {"PUT", "a", "{\"value\":{\"n\":[1,2.5,\"é\"]},\"causal-metadata\":@}"});
            steps.add(new String[] {"GET", "a", "{\"causal-metadata\":@}"});
            steps.add(new String[] {"GET", "a", null});
            steps.add(new String[] {"GET", "a", ""});
            steps.add(new String[] {"GET", "nope", "{\"causal-metadata\":@}"});
            steps.add(new String[] {"PUT", "b", "{}"});
            steps.add(new String[] {"PUT", "b", "{\"value\":"});
            steps.add(new String[] {"PUT", "b", "[1]"});
            steps.add(new String[] {"PUT", "b", "{\"value\":1,\"causal-metadata\":\"garbage\"}"});
            steps.add(new String[] {"PUT", "b", "{\"value\":1,\"causal-metadata\":{\"x\":[]}}"});
            steps.add(new String[] {"PUT", LONG_KEY, "{\"value\":1}"});
            steps.add(new String[] {"GET", LONG_KEY, null});
            steps.add(new String[] {"PUT", "a.b-_~", "{\"value\":null,\"causal-metadata\":@}"});
            steps.add(new String[] {"GET", "a.b-_~", "{\"causal-metadata\":@}"});
            steps.add(new String[] {"DELETE", "a", "{\"causal-metadata\":@}"});
            steps.add(new String[] {"DELETE", "a", "{\"causal-metadata\":@}"});
            steps.add(new String[] {"GET", "a", "{\"causal-metadata\":@}"});
            steps.add(new String[] {"POST", "a", "{\"value\":1}"});
            for (String[] step : steps) {
                String mine = onPath.send(step[0], step[1], step[2], Map.of());
                String theirs = viaJersey.send(step[0], step[1], step[2], Map.of());
                assertEquals(theirs, mine, String.join(" ", dialect, step[0], step[1], String.valueOf(step[2])));
            }
            // Media-type headers are ignored the same way (API.md 4.1); a request relayed by a node
            // is served alike, and refused alike when read after its sender's deadline.
            for (Map<String, String> headers : List.of(Map.of("Content-Type", "text/plain"), Map.of("Content-Type", "/"),
                    Map.of("Accept", "text/html;q=x"), Map.of("X-Causalkv-Hops", "1", "X-Causalkv-Budget-Ms", "4000"),
                    Map.of("X-Causalkv-Deadline", "1", "X-Causalkv-Hops", "1"))) {
                String mine = onPath.send("PUT", "c", "{\"value\":2,\"causal-metadata\":@}", headers);
                String theirs = viaJersey.send("PUT", "c", "{\"value\":2,\"causal-metadata\":@}", headers);
                assertEquals(theirs, mine, headers.toString());
            }
            // And the comparison was between the two paths: every request but the POST was
            // answered in front of Jersey on one node, none on the other.
            assertEquals(steps.size() - 1 + 5, directKeyRequests(fast), "answered in front of Jersey");
            assertEquals(0, directKeyRequests(jersey), "answered in front of Jersey with a query string");
        }
    }

    /** The node's count of key requests answered in front of Jersey, from its /metrics. */
    private static long directKeyRequests(EmbeddedNode node) {
        for (String line : Http.send("GET", node.url("/metrics")).body().split("\n")) {
            if (line.startsWith("causalkv_requests_direct_total")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no causalkv_requests_direct_total in /metrics");
    }

    /** One client of one node: raw requests, answers normalised; the metadata it last got goes in for {@code @}. */
    private static final class Session {
        private final int port;
        private final String dialect;
        private final String query;
        private String metadata = "null";

        Session(int port, String dialect, String query) {
            this.port = port;
            this.dialect = dialect;
            this.query = query;
        }

        String send(String method, String key, String body, Map<String, String> headers) {
            StringBuilder request = new StringBuilder(method + " /" + dialect + "/" + key + query + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            byte[] bytes = body == null ? null : body.replace("@", metadata).getBytes(StandardCharsets.UTF_8);
            if (bytes != null) {
                request.append("Content-Length: ").append(bytes.length).append("\r\n");
            }
            request.append("\r\n");
            byte[] head = request.toString().getBytes(StandardCharsets.ISO_8859_1);
            byte[] whole = bytes == null ? head : concat(head, bytes);
            return normalise(RawHttp.send(port, whole));
        }

        /** Status line and headers without Date and Content-Length; the body with its metadata marked, and kept. */
        private String normalise(String answer) {
            int split = answer.indexOf("\r\n\r\n");
            StringBuilder out = new StringBuilder();
            for (String line : answer.substring(0, split).split("\r\n")) {
                String name = line.contains(":") ? line.substring(0, line.indexOf(':')).toLowerCase() : "";
                if (!name.equals("date") && !name.equals("content-length") && !name.equals("transfer-encoding")) {
                    out.append(line).append('\n');
                }
            }
            String body = answer.substring(split + 4);
            if (answer.toLowerCase().contains("transfer-encoding: chunked")) {
                body = dechunk(body);
            }
            if (body.startsWith("{")) {
                // The body's own text is compared; only the metadata's value (this node's own
                // replica ids and clocks) is marked, where it stands.
                JsonNode json = Http.json(body);
                if (json instanceof ObjectNode object && object.hasNonNull("causal-metadata")) {
                    metadata = object.get("causal-metadata").toString();
                    assertTrue(body.contains(metadata), "metadata not written compactly: " + body);
                    body = body.replace(metadata, "<metadata>");
                }
            }
            return out.append('\n').append(body).toString();
        }

        private static String dechunk(String chunked) {
            StringBuilder body = new StringBuilder();
            int at = 0;
            while (at < chunked.length()) {
                int eol = chunked.indexOf("\r\n", at);
                int size = Integer.parseInt(chunked.substring(at, eol).trim(), 16);
                if (size == 0) {
                    break;
                }
                body.append(chunked, eol + 2, eol + 2 + size);
                at = eol + 2 + size + 2;
            }
            return body.toString();
        }

        private static byte[] concat(byte[] a, byte[] b) {
            byte[] both = new byte[a.length + b.length];
            System.arraycopy(a, 0, both, 0, a.length);
            System.arraycopy(b, 0, both, a.length, b.length);
            return both;
        }
    }
}
