package io.causalkv.api.kvs;

import static io.causalkv.testing.ApiAssertions.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.testing.EmbeddedNode;
import io.causalkv.testing.Http;
import io.causalkv.testing.RawHttp;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code kvs} dialect of a standalone node (API.md 6.1) and the common rules of API.md
 * 4.1 to 4.3, against the real webapp in an embedded Jetty.
 */
class KvsStandaloneApiTest {

    private static final String CREATED = "{\"result\":\"created\"}";
    private static final String REPLACED = "{\"result\":\"replaced\"}";
    private static final String NO_KEY = "{\"error\":\"Key does not exist\"}";
    private static final String NO_VALUE = "{\"error\":\"PUT request does not specify a value\"}";
    private static final String TOO_LONG = "{\"error\":\"Key is too long\"}";
    private static final String NOT_FOUND = "{\"error\":\"Not found\"}";
    private static final String NOT_ALLOWED = "{\"error\":\"Method not allowed\"}";
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
        return "k" + KEYS.incrementAndGet();
    }

    private static Http.Reply send(String method, String path) {
        return Http.send(method, node.url(path));
    }

    private static Http.Reply send(String method, String path, String body) {
        return Http.send(method, node.url(path), body);
    }

    // ---- API.md 6.1 --------------------------------------------------------------------------

    @Test
    void putOfANewKeyCreatesIt() {
        assertJson(send("PUT", "/kvs/" + freshKey(), "{\"value\":\"v\"}"), 201, CREATED);
    }

    @Test
    void putOfALiveKeyReplacesIt() {
        String key = freshKey();
        send("PUT", "/kvs/" + key, "{\"value\":1}");
        assertJson(send("PUT", "/kvs/" + key, "{\"value\":2}"), 200, REPLACED);
        assertJson(send("GET", "/kvs/" + key), 200, "{\"result\":\"found\",\"value\":2}");
    }

    @Test
    void putOfAKeyLongerThan50CharactersIsRefused() {
        assertJson(send("PUT", "/kvs/" + "x".repeat(51), "{\"value\":1}"), 400, TOO_LONG);
        assertJson(send("GET", "/kvs/" + "x".repeat(51)), 404, NO_KEY);
    }

    @Test
    void putWithoutAValueIsRefused() {
        String key = freshKey();
        assertJson(send("PUT", "/kvs/" + key, "{}"), 400, NO_VALUE);
        assertJson(send("PUT", "/kvs/" + key, "{\"value\":null}"), 400, NO_VALUE);
        assertJson(send("PUT", "/kvs/" + key, "{\"causal-metadata\":null,\"val\":1}"), 400, NO_VALUE);
        assertJson(send("PUT", "/kvs/" + key), 400, NO_VALUE);
        assertJson(send("GET", "/kvs/" + key), 404, NO_KEY);
    }

    @Test
    void getOfAnExistingKeyReturnsItsValue() {
        String key = freshKey();
        send("PUT", "/kvs/" + key, "{\"value\":\"hello\"}");
        assertJson(send("GET", "/kvs/" + key), 200, "{\"result\":\"found\",\"value\":\"hello\"}");
    }

    @Test
    void getOfAMissingKeyIs404() {
        assertJson(send("GET", "/kvs/" + freshKey()), 404, NO_KEY);
    }

    @Test
    void deleteOfAnExistingKeyDeletesIt() {
        String key = freshKey();
        send("PUT", "/kvs/" + key, "{\"value\":true}");
        assertJson(send("DELETE", "/kvs/" + key), 200, "{\"result\":\"deleted\"}");
        assertJson(send("GET", "/kvs/" + key), 404, NO_KEY);
    }

    @Test
    void deleteOfAMissingKeyIs404() {
        assertJson(send("DELETE", "/kvs/" + freshKey()), 404, NO_KEY);
    }

    @Test
    void putAfterDeleteCreatesTheKeyAgain() {
        String key = freshKey();
        send("PUT", "/kvs/" + key, "{\"value\":1}");
        send("DELETE", "/kvs/" + key);
        assertJson(send("PUT", "/kvs/" + key, "{\"value\":3}"), 201, CREATED);
    }

    @Test
    void causalMetadataIsAcceptedAndIgnoredInStandaloneMode() {
        String key = freshKey();
        assertJson(send("PUT", "/kvs/" + key, "{\"value\":1,\"causal-metadata\":{\"x\":9}}"), 201, CREATED);
        assertJson(send("PUT", "/kvs/" + key, "{\"value\":2,\"causal-metadata\":42}"), 200, REPLACED);
        assertJson(send("GET", "/kvs/" + key, "{\"causal-metadata\":null}"), 200, "{\"result\":\"found\",\"value\":2}");
    }

    @Test
    void viewAndShardPathsAnswer503OutsideACluster() {
        String body = "{\"error\":\"Node is not part of a cluster\"}";
        assertJson(send("GET", "/view"), 503, body);
        assertJson(send("PUT", "/view", "{\"socket-address\":\"10.0.0.1:8090\"}"), 503, body);
        assertJson(send("DELETE", "/view", "{\"socket-address\":\"10.0.0.1:8090\"}"), 503, body);
        assertJson(send("GET", "/shard/ids"), 503, body);
        assertJson(send("GET", "/shard/node-shard-id"), 503, body);
        assertJson(send("GET", "/shard/members/1"), 503, body);
        assertJson(send("GET", "/shard/key-count/1"), 503, body);
        assertJson(send("PUT", "/shard/add-member/1", "{\"socket-address\":\"10.0.0.1:8090\"}"), 503, body);
        assertJson(send("PUT", "/shard/reshard", "{\"shard-count\":2}"), 503, body);
    }

    // ---- API.md 4.1 Requests ---------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data; boundary=x"})
    void theBodyIsReadAsJsonWhateverTheContentType(String contentType) {
        String key = freshKey();
        Http.Reply reply = Http.send("PUT", node.url("/kvs/" + key), "{\"value\":[1]}".getBytes(StandardCharsets.UTF_8), contentType);
        assertJson(reply, 201, CREATED);
        assertJson(send("GET", "/kvs/" + key), 200, "{\"result\":\"found\",\"value\":[1]}");
    }

    @Test
    void theBodyIsReadAsJsonWithoutAnyContentType() {
        String key = freshKey();
        assertJson(Http.send("PUT", node.url("/kvs/" + key), "{\"value\":\"x\"}".getBytes(StandardCharsets.UTF_8), null), 201, CREATED);
    }

    @Test
    void aMissingBodyIsNoErrorOnGetAndDelete() {
        String key = freshKey();
        send("PUT", "/kvs/" + key, "{\"value\":1}");
        assertJson(send("GET", "/kvs/" + key, "  \n "), 200, "{\"result\":\"found\",\"value\":1}");
        assertJson(send("DELETE", "/kvs/" + key, ""), 200, "{\"result\":\"deleted\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"value\":", "value=1", "[{\"value\":1}]", "\"value\"", "{\"value\":1} extra"})
    void aMalformedBodyOnPutCountsAsAMissingValue(String body) {
        assertJson(send("PUT", "/kvs/" + freshKey(), body), 400, NO_VALUE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET", "DELETE"})
    void aMalformedBodyOnGetOrDeleteIsABadRequest(String method) {
        String key = freshKey();
        send("PUT", "/kvs/" + key, "{\"value\":1}");
        assertJson(send(method, "/kvs/" + key, "{nope"), 400, "{\"error\":\"Malformed JSON body\"}");
        assertJson(send(method, "/kvs/" + key, "[]"), 400, "{\"error\":\"Malformed JSON body\"}");
        assertJson(send("GET", "/kvs/" + key), 200, "{\"result\":\"found\",\"value\":1}");
    }

    @Test
    void unknownFieldsAreIgnored() {
        assertJson(send("PUT", "/kvs/" + freshKey(), "{\"value\":1,\"colour\":\"red\",\"nested\":{\"a\":[]}}"), 201, CREATED);
    }

    @Test
    void aBodyOverOneMebibyteIs413AndChangesNothing() {
        String key = freshKey();
        send("PUT", "/kvs/" + key, "{\"value\":\"small\"}");
        String huge = "{\"value\":\"" + "x".repeat(1024 * 1024) + "\"}";
        Http.Reply tooLarge = send("PUT", "/kvs/" + key, huge);
        assertJson(tooLarge, 413, "{\"error\":\"Request body too large\"}");
        assertJson(send("GET", "/kvs/" + key), 200, "{\"result\":\"found\",\"value\":\"small\"}");
    }

    @Test
    void a413TellsTheClientTheConnectionCloses() {
        // Only the head: the answer comes from the declared length, before any body is read.
        String answer = RawHttp.send(node.port(), "PUT /kvs/" + freshKey() + " HTTP/1.1\r\nHost: x\r\nContent-Length: "
                + (2 * 1024 * 1024) + "\r\n\r\n");
        assertEquals(413, RawHttp.status(answer), answer);
        String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase();
        assertTrue(head.contains("\r\nconnection: close"), head);
    }

    @Test
    void aChunkedBodyOverOneMebibyteIs413Too() {
        String key = freshKey();
        byte[] chunk = ("{\"value\":\"" + "y".repeat(1024 * 1024) + "\"}").getBytes(StandardCharsets.US_ASCII);
        String head = "PUT /kvs/" + key + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                + Integer.toHexString(chunk.length) + "\r\n";
        byte[] request = concat(head.getBytes(StandardCharsets.US_ASCII), chunk, "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        String answer = RawHttp.send(node.port(), request);
        assertEquals(413, RawHttp.status(answer), answer);
        assertEquals(Http.json("{\"error\":\"Request body too large\"}"), Http.json(RawHttp.body(answer)));
        assertJson(send("GET", "/kvs/" + key), 404, NO_KEY);
    }

    @Test
    void aBodyOfAlmostOneMebibyteIsStored() {
        String key = freshKey();
        String value = "z".repeat(1024 * 1024 - 100);
        assertJson(send("PUT", "/kvs/" + key, "{\"value\":\"" + value + "\"}"), 201, CREATED);
        assertEquals(value, send("GET", "/kvs/" + key).json().get("value").asText());
    }

    // ---- API.md 4.2 Paths and methods -----------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"/nothing", "/KVS/x", "/Hello", "/kvs/", "/kvs/a/b", "/hello/a/b", "/", "/kvs", "/shard/ids/x", "/shard/members"})
    void unknownPathsAre404(String path) {
        assertJson(send("GET", path), 404, NOT_FOUND);
        assertJson(send("PUT", path, "{\"value\":1}"), 404, NOT_FOUND);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/hello/", "/test/", "/view/", "/kvs/x/", "/shard/ids/"})
    void aTrailingSlashMakesADifferentUnknownPath(String path) {
        assertJson(send("GET", path), 404, NOT_FOUND);
    }

    @Test
    void anUnsupportedMethodIs405WithAnAllowHeader() {
        Http.Reply post = send("POST", "/kvs/x", "{\"value\":1}");
        assertJson(post, 405, NOT_ALLOWED);
        assertTrue(post.allow().contains("PUT") && post.allow().contains("GET") && post.allow().contains("DELETE"), post.allow());
        assertJson(send("PATCH", "/kvs/x", "{}"), 405, NOT_ALLOWED);
        assertJson(send("POST", "/view", "{}"), 405, NOT_ALLOWED);
        assertJson(send("DELETE", "/shard/ids"), 405, NOT_ALLOWED);
    }

    @Test
    void queryParametersAreIgnoredOnKeyPaths() {
        String key = freshKey();
        assertJson(send("PUT", "/kvs/" + key + "?value=9&x", "{\"value\":1}"), 201, CREATED);
        assertJson(send("GET", "/kvs/" + key + "?a=b"), 200, "{\"result\":\"found\",\"value\":1}");
    }

    @Test
    void postTestFormDecodesPlusAndPercentEscapes() {
        assertJson(send("POST", "/test?x=1&msg=a+b%21%20c&y"), 200, "{\"message\":\"a b! c\"}");
    }

    // ---- API.md 4.3 Keys and values ------------------------------------------------------

    @Test
    void anEncodedSlashInAKeyIsAnInvalidKey() {
        assertJson(send("PUT", "/kvs/a%2Fb", "{\"value\":1}"), 400, "{\"error\":\"Invalid key\"}");
        assertJson(send("GET", "/kvs/a%2fb"), 400, "{\"error\":\"Invalid key\"}");
    }

    @Test
    void keyLengthIsCountedInCodePointsAfterDecoding() {
        String fifty = "\uD83D\uDE00".repeat(50); // 50 code points, 100 UTF-16 units, 200 bytes
        String encoded = java.net.URLEncoder.encode(fifty, StandardCharsets.UTF_8);
        assertJson(send("PUT", "/kvs/" + encoded, "{\"value\":1}"), 201, CREATED);
        assertJson(send("GET", "/kvs/" + encoded), 200, "{\"result\":\"found\",\"value\":1}");
        String fiftyOne = java.net.URLEncoder.encode(fifty + "a", StandardCharsets.UTF_8);
        assertJson(send("PUT", "/kvs/" + fiftyOne, "{\"value\":1}"), 400, TOO_LONG);
        assertJson(send("PUT", "/kvs/" + "%61".repeat(50), "{\"value\":1}"), 201, CREATED);
    }

    @Test
    void getAndDeleteOfATooLongKeyAnswerAsForAMissingKey() {
        assertJson(send("DELETE", "/kvs/" + "q".repeat(60)), 404, NO_KEY);
    }

    @Test
    void aTooLongKeyWithoutAValueGetsTheKeyError() {
        assertJson(send("PUT", "/kvs/" + "x".repeat(51), "{}"), 400, TOO_LONG);
        assertJson(send("PUT", "/kvs/" + "x".repeat(51), "not json"), 400, TOO_LONG);
    }

    @Test
    void theKeyIsThePercentDecodedSegment() {
        assertJson(send("PUT", "/kvs/caf%C3%A9%20au%20lait", "{\"value\":1}"), 201, CREATED);
        assertJson(send("GET", "/kvs/caf%c3%a9%20au%20lait"), 200, "{\"result\":\"found\",\"value\":1}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "\"text with \\\"quotes\\\" and \\u00e9\"", "0", "-17", "1.50", "2.5e-7", "123456789012345678901234567890",
            "true", "false", "[]", "[1,\"a\",null,[{}]]", "{}", "{\"a\":{\"b\":[1,2,{\"c\":null}]},\"n\":1.0}",
    })
    void valuesOfEveryJsonTypeRoundTripUnchanged(String valueJson) {
        String key = freshKey();
        send("PUT", "/kvs/" + key, "{\"value\":" + valueJson + "}");
        Http.Reply reply = send("GET", "/kvs/" + key);
        assertEquals(200, reply.status());
        assertEquals(Http.json(valueJson), reply.json().get("value"));
    }

    @Test
    void numbersKeepTheirTypeAndExactDecimalText() {
        String key = freshKey();
        send("PUT", "/kvs/" + key, "{\"value\":1.50}");
        assertEquals("{\"result\":\"found\",\"value\":1.50}", send("GET", "/kvs/" + key).body());
        send("PUT", "/kvs/" + key, "{\"value\":1}");
        assertEquals("{\"result\":\"found\",\"value\":1}", send("GET", "/kvs/" + key).body());
        send("PUT", "/kvs/" + key, "{\"value\":\"1\"}");
        assertEquals("{\"result\":\"found\",\"value\":\"1\"}", send("GET", "/kvs/" + key).body());
    }

    // ---- Container-level errors: JSON, never Jetty's HTML ---------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "GET /kvs/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET /kvs/a%2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET /kvs/a b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GARBAGE\r\n\r\n",
            "GET /kvs//x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET /kvs/%2e%2e/hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "PUT /kvs/x HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\nConnection: close\r\n\r\n",
    })
    void malformedRequestsGetA4xxJsonError(String request) {
        String answer = RawHttp.send(node.port(), request);
        int status = RawHttp.status(answer);
        assertTrue(status >= 400 && status < 500, answer);
        assertTrue(answer.toLowerCase().contains("content-type: application/json"), answer);
        assertTrue(Http.json(RawHttp.body(answer)).get("error").isTextual(), answer);
        assertFalse(answer.contains("<html"), answer);
    }

    @Test
    void oversizedHeadersGetAJsonError() {
        String answer = RawHttp.send(node.port(),
                "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\nConnection: close\r\n\r\n");
        assertEquals(431, RawHttp.status(answer), answer);
        assertEquals(Http.json("{\"error\":\"Request headers too large\"}"), Http.json(RawHttp.body(answer)));
    }

    @Test
    void anOversizedUriGetsAJsonError() {
        String answer = RawHttp.send(node.port(), "GET /kvs/" + "u".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertEquals(414, RawHttp.status(answer), answer);
        assertEquals(Http.json("{\"error\":\"URI too long\"}"), Http.json(RawHttp.body(answer)));
    }

    @Test
    void anHtmlAcceptHeaderStillGetsJson() {
        String answer = RawHttp.send(node.port(), "GET /nothing HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nConnection: close\r\n\r\n");
        assertEquals(404, RawHttp.status(answer));
        assertEquals(Http.json(NOT_FOUND), Http.json(RawHttp.body(answer)));
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
