package io.causalkv.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.testing.Await;
import io.causalkv.testing.Cluster;
import io.causalkv.testing.EmbeddedNode;
import io.causalkv.testing.Http;
import io.causalkv.testing.RawHttp;
import io.causalkv.transport.FaultyHttpTransport;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests that the bad-input fuzz test ({@code io.causalkv.fuzz.BadInputFuzzTest}) found
 * answered with a 500, a 505, an empty error body, or a body on a HEAD answer; each now gets the
 * answer API.md 4.1 asks for.
 */
class BadInputRegressionTest {

    private static EmbeddedNode node;

    @BeforeAll
    static void start() throws Exception {
        node = EmbeddedNode.start(Map.of());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    private static String raw(String method, String path, String headers, String body) {
        return RawHttp.send(node.port(), method + " " + path + " HTTP/1.1\r\nHost: x\r\n" + headers
                + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body);
    }

    private static void assertJsonError(String answer, int status, String error) {
        assertEquals(status, RawHttp.status(answer), answer);
        assertTrue(answer.contains("Content-Type: application/json"), answer);
        assertEquals(Http.json("{\"error\":\"" + error + "\"}"), Http.json(RawHttp.body(answer)), answer);
    }

    @Test
    void anUnparsableContentTypeIsIgnoredLikeAnyOther() {
        // Was 400 with an empty body: Jersey could not parse "/" before any causalkv code ran.
        String answer = raw("PUT", "/kvs/typed-slash", "Content-Type: /\r\n", "{\"value\":1}");
        assertEquals(201, RawHttp.status(answer), answer);
        assertEquals(Http.json("{\"result\":\"created\"}"), Http.json(RawHttp.body(answer)));
    }

    @Test
    void aBadQualityInContentTypeIsNotAServerError() {
        // Was 500 with an empty body: Jersey failed on "q=x" again inside the exception mapping.
        assertJsonError(raw("DELETE", "/kvs/never-written", "Content-Type: application/json; q=x\r\n", "{}"),
                404, "Key does not exist");
        assertJsonError(raw("GET", "/nowhere", "Content-Type: application/json; charset=\"\r\n", ""), 404, "Not found");
    }

    @Test
    void anUnparsableAcceptHeaderIsIgnored() {
        String answer = raw("GET", "/hello", "Accept: garbage;q=x\r\n", "");
        assertEquals(200, RawHttp.status(answer), answer);
        assertEquals(Http.json("{\"message\":\"world\"}"), Http.json(RawHttp.body(answer)));
    }

    @Test
    void anHttpVersionTheServerDoesNotSpeakIsA400() {
        // Was 505 {"error":"Internal server error"}: a 5xx for bad input.
        for (String version : new String[] {" HTTP/1.2", " HTTP/9.9", ""}) {
            String answer = RawHttp.send(node.port(), "GET /hello" + version + "\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertJsonError(answer, 400, "HTTP version not supported");
        }
    }

    @Test
    void aHeadAnswerFromTheErrorPageHasNoBody() {
        // Was {"error":"Not found"} after the headers: a keep-alive client reads it as its next answer.
        String answer = raw("HEAD", "/WEB-INF/web.xml", "", "");
        assertEquals(404, RawHttp.status(answer), answer);
        assertTrue(answer.contains("Content-Type: application/json"), answer);
        assertEquals("", RawHttp.body(answer), answer);
    }

    @Test
    void aConnectionCloseRequestIsClosedAfterItsAnswerEvenAfter100Continue() {
        // Jetty kept the connection open after a 100 Continue to a HEAD and read the bytes after
        // the declared body as another request (a second answer, 400).
        String answer = RawHttp.send(node.port(), "HEAD /kvs/continued HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                + "Content-Length: 2\r\nConnection: close\r\n\r\n{}GARBAGE\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 "), answer);
        assertEquals(1, answer.split("HTTP/1.1 ").length - 2, () -> "one answer after the 100 Continue: " + answer);
    }

    @Test
    void metadataClaimingTheLatestLamportTimeNeverMakesTheServerIssueMetadataItRefuses() throws Exception {
        // One PUT whose metadata claimed "l" just under 2^53 (accepted) got a write stamped 2^53:
        // the metadata answered from then on was refused as invalid (400) at that shard.
        try (Cluster cluster = Cluster.start(2, FaultyHttpTransport::new, Map.of("KVS_WRITE_ACKS", "1"))) {
            String metadata = "{\"e\":1,\"s\":{},\"l\":9007199254740991}";
            for (int i = 0; i < 3; i++) {
                Http.Reply put = Http.send("PUT", cluster.url(0, "/kvs/late"), "{\"value\":" + i + ",\"causal-metadata\":" + metadata + "}");
                assertTrue(put.status() == 200 || put.status() == 201, put::toString);
                metadata = put.json().get("causal-metadata").toString();
                Http.Reply get = Http.send("GET", cluster.url(0, "/kvs/late"), "{\"causal-metadata\":" + metadata + "}");
                assertEquals(200, get.status(), get::toString);
            }
        }
    }

    @Test
    void aValueWithALoneSurrogateIsStoredReadAndReplicated() throws Exception {
        // Was stored with a raw lone surrogate: every GET of it answered 500, and anti-entropy of
        // its shard failed (/internal/sync answered 500) for as long as the key existed.
        String value = "[\"a\\ud800\",{\"\\udc00\":\"\\ud83d\\ude00\"}]";
        String answer = raw("PUT", "/kvs/lone", "", "{\"value\":" + value + "}");
        assertEquals(201, RawHttp.status(answer), answer);
        Http.Reply read = Http.send("GET", node.url("/kvs/lone"));
        assertEquals(200, read.status(), read::toString);
        assertEquals(Http.json(value), read.json().get("value"));

        try (Cluster cluster = Cluster.start(2, FaultyHttpTransport::new, Map.of("KVS_WRITE_ACKS", "1"))) {
            Http.Reply put = Http.send("PUT", cluster.url(0, "/kvs/lone"), "{\"value\":" + value + "}");
            assertEquals(201, put.status(), put::toString);
            String metadata = put.json().get("causal-metadata").toString();
            Http.Reply replicated = Await.value(Duration.ofSeconds(5), "node 1 reads the replicated value",
                    () -> Http.send("GET", cluster.url(1, "/kvs/lone"), "{\"causal-metadata\":" + metadata + "}"),
                    reply -> reply.status() == 200);
            assertEquals(Http.json(value), replicated.json().get("value"));
        }
    }
}
