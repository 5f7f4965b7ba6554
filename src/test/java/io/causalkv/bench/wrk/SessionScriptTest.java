package io.causalkv.bench.wrk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SessionScriptTest {

    private static String text(byte[] request) {
        return new String(request, StandardCharsets.UTF_8);
    }

    @Test
    void aKvsSessionSendsTheMetadataOfItsLastAnswer() {
        SessionScript session = new SessionScript(0, 1, "127.0.0.1:1", "put", "kvs", 10, 4, 0.5, 1);
        String first = text(session.request());
        assertTrue(first.startsWith("PUT /kvs/key"), first);
        assertTrue(first.contains("\r\nHost: 127.0.0.1:1\r\n"), first);
        assertTrue(first.endsWith("\r\n\r\n{\"value\":\"vvvv\",\"causal-metadata\":null}"), first);
        assertTrue(first.contains("Content-Length: 39\r\n"), first);
        session.answered(201, "{\"result\":\"added\",\"causal-metadata\":{\"e\":2,\"s\":{\"1\":{\"a\":3}}}}");
        assertTrue(text(session.request()).endsWith("\"causal-metadata\":{\"e\":2,\"s\":{\"1\":{\"a\":3}}}}"));
        session.answered(503, "{\"error\":\"unavailable\",\"causal-metadata\":{\"x\":1}}");
        assertEquals("{\"e\":2,\"s\":{\"1\":{\"a\":3}}}", session.metadata(), "a 5xx answer's metadata is not kept");
        session.answered(200, "{\"replaced\":true}");
        assertEquals("{\"e\":2,\"s\":{\"1\":{\"a\":3}}}", session.metadata(), "an answer without metadata keeps the last");
    }

    @Test
    void helloIsABareGetAndAMapReadCarriesTheContentTypeAsSessionLuaDoes() {
        SessionScript hello = new SessionScript(0, 1, "h:1", "hello", "kvs", 10, 4, 0.5, 1);
        assertEquals("GET /hello HTTP/1.1\r\nHost: h:1\r\n\r\n", text(hello.request()));
        SessionScript map = new SessionScript(0, 1, "h:1", "get", "map", 10, 4, 0.5, 1);
        String read = text(map.request());
        assertTrue(read.matches("GET /kvs/key\\d+ HTTP/1.1\r\nHost: h:1\r\nContent-Type: application/json\r\n\r\n"), read);
        SessionScript store = new SessionScript(0, 1, "h:1", "put", "key-value-store", 10, 4, 0.5, 1);
        assertTrue(text(store.request()).startsWith("PUT /key-value-store/key"));
        SessionScript etcd = new SessionScript(0, 1, "h:1", "put", "etcd", 10, 4, 0.5, 1);
        String put = text(etcd.request());
        assertTrue(put.startsWith("POST /v3/kv/put ") && put.endsWith("\"value\":\"dnZ2dg==\"}"), put); // "vvvv"
    }

    @Test
    void kvsKeysCarriesItsCausalContext() {
        SessionScript session = new SessionScript(0, 1, "h:1", "get", "kvs-keys", 10, 4, 0.5, 1);
        assertTrue(text(session.request()).startsWith("GET /kvs/keys/key"));
        session.answered(200, "{\"value\":\"v\",\"causal-context\":{\"c\":{}}}");
        assertTrue(text(session.request()).endsWith("{\"causal-context\":{\"c\":{}}}"));
    }

    @Test
    void aLoadWritesItsShareOfTheKeysTryingARefusedWriteThreeTimes() {
        SessionScript session = new SessionScript(1, 3, "h:1", "load", "map", 8, 4, 0.5, 1);
        assertTrue(text(session.request()).startsWith("PUT /kvs/key2 "));
        session.answered(503, "");
        session.answered(503, "");
        assertTrue(text(session.request()).startsWith("PUT /kvs/key2 "), "tried again");
        session.answered(503, "");
        assertEquals(1, session.unwritten(), "given up after three refusals");
        assertTrue(text(session.request()).startsWith("PUT /kvs/key5 "));
        assertFalse(session.done());
        session.answered(201, "");
        assertTrue(text(session.request()).startsWith("PUT /kvs/key8 "));
        session.answered(201, "");
        assertTrue(session.done());
        assertEquals(2, session.statuses().get(201));
    }

    @Test
    void readsThatFindNothingAreMisses() {
        SessionScript kvs = new SessionScript(0, 1, "h:1", "get", "kvs", 10, 4, 0.5, 1);
        kvs.request();
        kvs.answered(404, "{\"doesExist\":false}");
        assertEquals(1, kvs.misses());
        SessionScript etcd = new SessionScript(0, 1, "h:1", "get", "etcd", 10, 4, 0.5, 1);
        String range = text(etcd.request());
        assertTrue(range.startsWith("POST /v3/kv/range ") && range.contains("{\"key\":\"a2V5"), range);
        etcd.answered(200, "{\"header\":{}}");
        etcd.request();
        etcd.answered(200, "{\"header\":{},\"kvs\":[{}]}");
        assertEquals(1, etcd.misses());
    }

    @Test
    void theMetadataIsTheBalancedObjectAfterItsField() {
        assertEquals("{\"a\":{\"b\":{}},\"c\":1}",
                SessionScript.metadataIn("{\"x\":1,\"causal-metadata\":{\"a\":{\"b\":{}},\"c\":1},\"y\":{}}", "causal-metadata"));
        assertNull(SessionScript.metadataIn("{\"causal-metadata\":null}", "causal-metadata"));
        assertNull(SessionScript.metadataIn("{\"causal-metadata\":{\"a\":", "causal-metadata"));
        assertNull(SessionScript.metadataIn("{}", "causal-metadata"));
        assertEquals("{\"a\":1}", SessionScript.metadataIn("{\"x\":{\"causal-metadata\":null},\"causal-metadata\":{\"a\":1}}",
                "causal-metadata"), "past an occurrence that is not an object, as Lua's match");
    }
}
