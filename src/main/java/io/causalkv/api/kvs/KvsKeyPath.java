package io.causalkv.api.kvs;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalkv.api.common.ClientRequest;
import io.causalkv.api.common.DialectPaths;
import io.causalkv.api.common.Json;
import io.causalkv.api.common.JsonExceptionMapper;
import io.causalkv.api.common.RequestBody;
import io.causalkv.api.ops.NodeMetrics;
import io.causalkv.keys.KeyRequest;
import io.causalkv.node.Dialect;
import io.causalkv.node.Node;
import io.causalkv.node.NodeBootstrap;
import io.causalkv.transport.PeerRequest;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The {@code kvs} key path's common requests answered in front of Jersey: {@code GET}, {@code PUT}
 * and {@code DELETE /kvs/<key>} from a client, with a plain key and a body of a declared length.
 * They go through the same {@link io.causalkv.api.common.KeyEndpoint} and {@link KvsKeyResource}
 * words as under Jersey, so the answers are the same (the contract tests hold both to API.md);
 * only Jersey's own request processing is skipped: routing, injection, its filter chain, the
 * provider lookup. That was 44 % of a node's CPU samples under a 3-node PUT load (JFR,
 * docs/PERFORMANCE.md), where a single node's {@code /hello} costs 85 us in all.
 *
 * <p>Anything else goes on to Jersey unchanged: another path or dialect, a key with an encoded or
 * reserved character, a query string, a relayed request (relay headers), a chunked or oversized
 * body, {@code Expect}. A failure is answered as Jersey's {@link JsonExceptionMapper} answers it.
 */
public final class KvsKeyPath implements Filter {

    private static final String PREFIX = "/kvs/";

    private Node node;
    private NodeMetrics metrics;
    private KvsKeyResource words;

    @Override
    public void init(FilterConfig config) throws ServletException {
        if (!(config.getServletContext().getAttribute(NodeBootstrap.NODE_ATTRIBUTE) instanceof Node found)) {
            throw new ServletException("no node in the servlet context: did NodeBootstrap run?");
        }
        node = found;
        metrics = NodeMetrics.of(config.getServletContext(), found);
        words = KvsKeyResource.of(found);
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        KeyRequest.Op op = opOf(request.getMethod());
        String path = pathOf(request);
        String key = op == null ? null : keyOf(path);
        if (key == null || !plainRequest(request)) {
            chain.doFilter(req, res);
            return;
        }
        long started = System.nanoTime();
        RequestBody body = readBody(request);
        Response answer;
        try {
            answer = words.endpoint(key).handle(op, key, request.getMethod(), body,
                    ClientRequest.of(request.getMethod(), path, body));
        } catch (RuntimeException e) {
            // Worded as Jersey's exception mapping words it (the write may have been applied:
            // never handled twice).
            answer = JsonExceptionMapper.answer(node, e, path.substring(1), request.getMethod());
        }
        write(answer, response);
        metrics.request(Dialect.KVS.wireName(), NodeMetrics.methodTag(request.getMethod()), answer.getStatus(),
                System.nanoTime() - started);
    }

    private static KeyRequest.Op opOf(String method) {
        return switch (method) {
            case "GET" -> KeyRequest.Op.GET;
            case "PUT" -> KeyRequest.Op.PUT;
            case "DELETE" -> KeyRequest.Op.DELETE;
            default -> null;
        };
    }

    /** The key of {@code /kvs/<key>} when it is one this path answers, else null. */
    private String keyOf(String path) {
        if (!path.startsWith(PREFIX) || !node.config().serves(Dialect.KVS)) {
            return null;
        }
        String key = path.substring(PREFIX.length());
        if (key.isEmpty()) {
            return null;
        }
        if (key.equals(".") || key.equals("..")) {
            return null;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            // Encodings, segments and parameters are Jersey's (and RequestGuardFilter's) to read.
            if (c == '%' || c == '/' || c == ';' || c == '\\' || c < 0x21 || c > 0x7e) {
                return null;
            }
        }
        if (node.config().serves(Dialect.KVS_KEYS) && (DialectPaths.KVS_KEYS_NAMES.contains(key) || key.equals("keys"))) {
            return null;
        }
        return key;
    }

    /** A client's request with nothing Jersey's filters would act on. */
    private static boolean plainRequest(HttpServletRequest request) {
        if (request.getQueryString() != null || request.getHeader("Transfer-Encoding") != null
                || request.getHeader("Expect") != null || request.getHeader(PeerRequest.HOPS_HEADER) != null
                || request.getHeader(PeerRequest.BUDGET_HEADER) != null || request.getHeader(PeerRequest.DEADLINE_HEADER) != null) {
            return false;
        }
        long length = request.getContentLengthLong();
        return length <= RequestBody.MAX_BYTES;
    }

    /**
     * The body as Jersey's path reads it ({@link RequestBody#read}): what arrives up to its
     * declared length (less when the client stops early), unreadable when the connection fails.
     */
    private static RequestBody readBody(HttpServletRequest request) {
        long length = request.getContentLengthLong();
        if (length <= 0) {
            return RequestBody.parse(new byte[0]);
        }
        try (InputStream in = request.getInputStream()) {
            return RequestBody.parse(in.readNBytes((int) length));
        } catch (IOException e) {
            return RequestBody.unreadable();
        }
    }

    /** The path as it came, still percent-encoded, without the context path. */
    private static String pathOf(HttpServletRequest request) {
        String raw = request.getRequestURI();
        String context = request.getContextPath();
        return raw.startsWith(context) ? raw.substring(context.length()) : raw;
    }

    /** Writes a rendered answer as Jersey would: its status, headers, media type and entity. */
    private static void write(Response answer, HttpServletResponse response) throws IOException {
        response.setStatus(answer.getStatus());
        for (Map.Entry<String, List<String>> header : answer.getStringHeaders().entrySet()) {
            for (String value : header.getValue()) {
                response.addHeader(header.getKey(), value);
            }
        }
        byte[] bytes = entityBytes(answer.getEntity());
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static byte[] entityBytes(Object entity) throws IOException {
        if (entity == null) {
            return new byte[0];
        }
        if (entity instanceof byte[] bytes) {
            return bytes;
        }
        if (entity instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        if (entity instanceof JsonNode json) {
            return Json.MAPPER.writeValueAsBytes(json);
        }
        return Json.MAPPER.writeValueAsBytes(entity);
    }
}
