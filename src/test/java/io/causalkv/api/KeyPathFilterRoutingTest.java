package io.causalkv.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.node.Node;
import io.causalkv.node.NodeBootstrap;
import io.causalkv.testing.TestNodes;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Which requests {@link KeyPathFilter} answers itself and which it passes on to Jersey: the filter
 * alone, on a standalone node serving every dialect, with stand-ins for the servlet objects. {@link KeyPathFilterTest}
 * holds the answers it gives to Jersey's.
 */
class KeyPathFilterRoutingTest {

    private final Node node = TestNodes.node(Map.of("KVS_API", "kvs,kvs-keys,key-value-store,hello"));

    @AfterEach
    void stop() {
        node.close();
    }

    @Test
    void plainKeyRequestsAreAnsweredHereAndTheRestGoOnToJersey() throws Exception {
        KeyPathFilter path = new KeyPathFilter();
        path.init(config(node));
        assertTrue(answersItself(path, "PUT", "/kvs/k", null, Map.of(), "{\"value\":1}"));
        assertTrue(answersItself(path, "GET", "/kvs/k", null, Map.of(), ""));
        assertTrue(answersItself(path, "DELETE", "/kvs/a.b-_~", null, Map.of(), ""));
        assertTrue(answersItself(path, "PUT", "/key-value-store/k", null, Map.of(), "{\"value\":1}"));
        assertTrue(answersItself(path, "GET", "/key-value-store/k", null, Map.of(), ""));
        // "keys" alone is a kvs key even with kvs-keys on: its keys are /kvs/keys/<key> (Jersey routes it so too).
        assertTrue(answersItself(path, "GET", "/kvs/keys", null, Map.of(), ""));
        // Another method, path or dialect; an encoded, empty, dot or segmented key.
        for (String[] other : new String[][] {{"POST", "/kvs/k"}, {"HEAD", "/kvs/k"}, {"OPTIONS", "/kvs/k"},
                {"GET", "/kvs/"}, {"GET", "/kvs"}, {"GET", "/kvs/%6B"}, {"GET", "/kvs/k/"}, {"GET", "/kvs/a/b"},
                {"GET", "/kvs/.."}, {"GET", "/kvs/k;x=1"}, {"GET", "/kvs/keys/k"}, {"GET", "/key-value-store-view"}, {"GET", "/hello"},
                {"GET", "/key-value-store/"}, {"GET", "/key-value-store/%6B"}, {"GET", "/kvsx/k"},
                {"GET", "/kvs/key-count"}, {"PUT", "/kvs/view-change"}, {"GET", "/kvs/shards"}}) {
            assertFalse(answersItself(path, other[0], other[1], null, Map.of(), ""), String.join(" ", other));
        }
        // A request relayed by a node is answered here too; one read after its sender's deadline with 503 and the header.
        assertTrue(answersItself(path, "PUT", "/kvs/k", null, Map.of("X-Causalkv-Hops", "1", "X-Causalkv-Budget-Ms", "100"),
                "{\"value\":1}"));
        Map<String, String> answered = new HashMap<>();
        assertTrue(answersItself(path, "PUT", "/kvs/k", null, Map.of("X-Causalkv-Deadline", "1"), "{\"value\":1}", answered));
        assertEquals("503 true", answered.get("status") + " " + answered.get("X-Causalkv-Expired"), answered.toString());
        // A query string; a chunked, oversized or expected body.
        assertFalse(answersItself(path, "GET", "/kvs/k", "x=1", Map.of(), ""));
        for (Map<String, String> headers : java.util.List.of(Map.of("Transfer-Encoding", "chunked"), Map.of("Expect", "100-continue"),
                Map.of("Content-Length", Integer.toString(1024 * 1024 + 1)))) {
            assertFalse(answersItself(path, "PUT", "/kvs/k", null, headers, "{\"value\":1}"), headers.toString());
        }
    }

    private static boolean answersItself(KeyPathFilter path, String method, String uri, String query, Map<String, String> headers,
                                         String body) throws Exception {
        return answersItself(path, method, uri, query, headers, body, new HashMap<>());
    }

    /**
     * True when the filter answered without calling the chain; checks that an answer was written,
     * and puts its status ("status") and headers into {@code answered}.
     */
    private static boolean answersItself(KeyPathFilter path, String method, String uri, String query, Map<String, String> headers,
                                         String body, Map<String, String> answered) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Map<String, String> all = new HashMap<>();
        headers.forEach((name, value) -> all.put(name.toLowerCase(), value));
        all.putIfAbsent("content-length", Integer.toString(bytes.length));
        AtomicBoolean passedOn = new AtomicBoolean();
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        int[] status = {0};
        HttpServletRequest request = proxy(HttpServletRequest.class, (name, args) -> switch (name) {
            case "getMethod" -> method;
            case "getRequestURI" -> uri;
            case "getContextPath" -> "";
            case "getQueryString" -> query;
            case "getHeader" -> all.get(((String) args[0]).toLowerCase());
            case "getContentLengthLong" -> Long.parseLong(all.get("content-length"));
            case "getProtocol" -> "HTTP/1.1";
            case "getInputStream" -> input(bytes);
            default -> null;
        });
        HttpServletResponse response = proxy(HttpServletResponse.class, (name, args) -> {
            if (name.equals("setStatus")) {
                status[0] = (Integer) args[0];
                answered.put("status", args[0].toString());
            }
            if (name.equals("addHeader") || name.equals("setHeader")) {
                answered.put((String) args[0], (String) args[1]);
            }
            return name.equals("getOutputStream") ? output(written) : null;
        });
        FilterChain chain = (req, res) -> passedOn.set(true);
        path.doFilter(request, response, chain);
        if (!passedOn.get()) {
            assertTrue(status[0] >= 200 && written.size() > 0, method + " " + uri + ": status " + status[0]);
            assertEquals('{', written.toString(StandardCharsets.UTF_8).charAt(0));
        }
        return !passedOn.get();
    }

    private static FilterConfig config(Node node) {
        Map<String, Object> attributes = new HashMap<>();
        attributes.put(NodeBootstrap.NODE_ATTRIBUTE, node);
        ServletContext context = proxy(ServletContext.class, (name, args) -> switch (name) {
            case "getAttribute" -> attributes.get((String) args[0]);
            case "setAttribute" -> attributes.put((String) args[0], args[1]);
            default -> null;
        });
        return proxy(FilterConfig.class, (name, args) -> name.equals("getServletContext") ? context : null);
    }

    private interface Answer {
        Object answer(String method, Object[] args) throws Exception;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Answer answer) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            if (method.getName().equals("hashCode")) {
                return System.identityHashCode(self);
            }
            if (method.getName().equals("equals")) {
                return self == args[0];
            }
            Object value = answer.answer(method.getName(), args);
            Class<?> returns = method.getReturnType();
            if (value == null && returns.isPrimitive() && returns != void.class) {
                Object zero = returns == boolean.class ? (Object) Boolean.FALSE : returns == long.class ? (Object) 0L : (Object) 0;
                return zero;
            }
            return returns == void.class ? null : value;
        });
    }

    private static ServletInputStream input(byte[] bytes) {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        return new ServletInputStream() {
            @Override
            public boolean isFinished() {
                return in.available() == 0;
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setReadListener(jakarta.servlet.ReadListener listener) {
            }

            @Override
            public int read() {
                return in.read();
            }
        };
    }

    private static ServletOutputStream output(ByteArrayOutputStream out) {
        return new ServletOutputStream() {
            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
            }

            @Override
            public void write(int b) {
                out.write(b);
            }
        };
    }
}
