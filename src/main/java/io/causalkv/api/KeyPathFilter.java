package io.causalkv.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalkv.api.common.ClientRequest;
import io.causalkv.api.common.DialectPaths;
import io.causalkv.api.common.Json;
import io.causalkv.api.common.JsonExceptionMapper;
import io.causalkv.api.common.KeyResource;
import io.causalkv.api.common.PeerDeadline;
import io.causalkv.api.common.RawPath;
import io.causalkv.api.common.RequestBody;
import io.causalkv.api.kvs.KvsKeyResource;
import io.causalkv.api.kvstore.KeyValueStoreKeyResource;
import io.causalkv.api.ops.NodeMetrics;
import io.causalkv.keys.KeyRequest;
import io.causalkv.node.Dialect;
import io.causalkv.node.Node;
import io.causalkv.node.NodeBootstrap;
import io.causalkv.transport.ClusterToken;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The common key requests of the {@code kvs} and {@code key-value-store} dialects answered in
 * front of Jersey: {@code GET}, {@code PUT} and {@code DELETE /<dialect>/<key>} from a client, with
 * a plain key and a body of a declared length. They go to the dialect's own {@link KeyResource}
 * (its {@link io.causalkv.api.common.KeyEndpoint} and words) as under Jersey, so the answers are
 * the same (the contract tests hold both to API.md; {@code KeyPathFilterTest} holds one to the
 * other); only Jersey's own request processing is skipped: routing, injection, its filter chain,
 * the provider lookup. That was 44 % of a node's CPU samples under a 3-node PUT load (JFR,
 * docs/PERFORMANCE.md), where a single node's whole {@code /hello} costs 85 us.
 *
 * <p>Which paths are keys comes from the routing table Jersey's error handling uses too
 * ({@link DialectPaths#isKeyPath}). Anything else goes on to Jersey unchanged: another path, a
 * {@code kvs-keys} key (its rules live in its resource), a key with an encoded or reserved
 * character, a query string, a chunked or oversized body, {@code Expect}. A request relayed by
 * another node is answered here too, under the rules of Jersey's filters for it: refused when
 * read after its sender's deadline ({@link PeerDeadline}), its relay headers dropped when a
 * cluster token says they are not a node's. A failure is answered as Jersey's
 * {@link JsonExceptionMapper} answers it.
 */
public final class KeyPathFilter implements Filter {

    private Node node;
    private NodeMetrics metrics;
    /** The key resource of each dialect served here, by its first path segment. */
    private final Map<String, Served> dialects = new HashMap<>();

    private record Served(Dialect dialect, KeyResource resource) {
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        if (!(config.getServletContext().getAttribute(NodeBootstrap.NODE_ATTRIBUTE) instanceof Node found)) {
            throw new ServletException("no node in the servlet context: did NodeBootstrap run?");
        }
        node = found;
        metrics = NodeMetrics.of(config.getServletContext(), found);
        if (found.config().serves(Dialect.KVS)) {
            dialects.put("kvs", new Served(Dialect.KVS, new KvsKeyResource().boundTo(found)));
        }
        if (found.config().serves(Dialect.KEY_VALUE_STORE)) {
            dialects.put("key-value-store", new Served(Dialect.KEY_VALUE_STORE, new KeyValueStoreKeyResource().boundTo(found)));
        }
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)) {
            chain.doFilter(req, res);
            return;
        }
        KeyRequest.Op op = opOf(request.getMethod());
        String path = RawPath.of(request);
        int slash = path.indexOf('/', 1);
        Served served = op == null || slash < 0 ? null : dialects.get(path.substring(1, slash));
        String key = served == null ? null : keyOf(path);
        if (key == null || !plainRequest(request)) {
            chain.doFilter(req, res);
            return;
        }
        long started = System.nanoTime();
        Response answer;
        if (PeerDeadline.expired(request.getHeader(PeerRequest.DEADLINE_HEADER), request.getMethod(), path.substring(1))) {
            // A relayed request read after its sender gave up (ExpiredPeerRequestFilter's answer).
            answer = Response.fromResponse(Json.response(503, Json.object().put("error", PeerDeadline.EXPIRED)))
                    .header(PeerRequest.EXPIRED_HEADER, "true").build();
            finish(served, request, response, answer, started);
            return;
        }
        RequestBody body = readBody(request);
        try {
            answer = served.resource().answer(op, key, request.getMethod(), body, asReceived(request, path, body));
        } catch (RuntimeException e) {
            // Worded as Jersey's exception mapping words it (the write may have been applied:
            // never handled twice).
            answer = JsonExceptionMapper.answer(node, e, path.substring(1), request.getMethod());
        }
        finish(served, request, response, answer, started);
    }

    /** Counts and writes an answer; timed up to the answer, not its writing, as Jersey's MetricsFilter times it. */
    private void finish(Served served, HttpServletRequest request, HttpServletResponse response, Response answer, long started)
            throws IOException {
        metrics.request(served.dialect().wireName(), NodeMetrics.methodTag(request.getMethod()), answer.getStatus(),
                System.nanoTime() - started);
        metrics.directKeyRequest();
        write(answer, response);
    }

    /**
     * The request as received, for relaying on: with its relay headers, which only a node may
     * send when the cluster has a token (RelayHeaderFilter's rule: a client's are dropped).
     */
    private PeerRequest asReceived(HttpServletRequest request, String path, RequestBody body) {
        String budget = request.getHeader(PeerRequest.BUDGET_HEADER);
        String hops = request.getHeader(PeerRequest.HOPS_HEADER);
        if ((budget != null || hops != null)
                && !ClusterToken.admits(node.config().clusterToken(), request.getHeader(ClusterToken.HEADER))) {
            budget = null;
            hops = null;
        }
        return ClientRequest.of(request.getMethod(), path, body, budget, hops);
    }

    private static KeyRequest.Op opOf(String method) {
        return switch (method) {
            case "GET" -> KeyRequest.Op.GET;
            case "PUT" -> KeyRequest.Op.PUT;
            case "DELETE" -> KeyRequest.Op.DELETE;
            default -> null;
        };
    }

    /** The key of {@code /<dialect>/<key>} when it is a plain key of a dialect answered here, else null. */
    private String keyOf(String path) {
        String relative = path.substring(1);
        if (!DialectPaths.isKeyPath(relative, node.config().dialects())
                || DialectPaths.isKvsKeysKeyPath(relative, node.config().dialects())) {
            return null;
        }
        String key = relative.substring(relative.indexOf('/') + 1);
        if (key.isEmpty() || key.equals(".") || key.equals("..")) {
            return null;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            // Encodings and parameters are Jersey's (and RequestGuardFilter's) to read.
            if (c == '%' || c == ';' || c == '\\' || c < 0x21 || c > 0x7e) {
                return null;
            }
        }
        return key;
    }

    /** A request, a client's or one relayed by a node, with nothing else Jersey's filters would act on. */
    private static boolean plainRequest(HttpServletRequest request) {
        if (request.getQueryString() != null || request.getHeader("Transfer-Encoding") != null
                || request.getHeader("Expect") != null) {
            return false;
        }
        long length = request.getContentLengthLong();
        // Without a declared length only HTTP/1.x has no body; HTTP/2 may send one all the same.
        return length <= RequestBody.MAX_BYTES && (length >= 0 || request.getProtocol().startsWith("HTTP/1"));
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
