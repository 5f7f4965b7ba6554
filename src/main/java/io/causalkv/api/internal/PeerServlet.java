package io.causalkv.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causalkv.api.JsonErrorServlet;
import io.causalkv.api.common.ErrorBodies;
import io.causalkv.api.common.Json;
import io.causalkv.api.common.PeerDeadline;
import io.causalkv.api.common.RawPath;
import io.causalkv.api.common.RequestBody;
import io.causalkv.api.ops.NodeMetrics;
import io.causalkv.node.Node;
import io.causalkv.node.NodeBootstrap;
import io.causalkv.transport.ClusterToken;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerOperation;
import io.causalkv.transport.PeerRequest;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The peer protocol's HTTP face: {@code POST /internal/<operation>} for every row of
 * {@link PeerOperation}, served by the node's {@link io.causalkv.transport.PeerHandler} side.
 * A plain servlet, not a Jersey resource: heartbeats are most of an idle cluster's requests, and
 * Jersey's request processing was 57 % of an idle node's CPU samples, nearly all of it for them
 * (docs/PERFORMANCE.md, "Idle cost").
 *
 * <p>The rules, in order: a request read after its sender gave up is refused (503,
 * {@link PeerDeadline}); only the exact path {@code /internal/<operation>} of a known operation
 * is served, never one that resolved there through dot segments or encodings (404), and only on
 * a cluster node; POST only (405; OPTIONS lists it); a declared body over the peer limit is
 * refused unread (413); the cluster token, when the node has one (401, 403); then the message,
 * whose body must be JSON (400 {@code Malformed JSON body}) the operation can read (400
 * {@code Malformed peer message}). Every answer is JSON and is counted in the node's metrics.
 */
public final class PeerServlet extends HttpServlet {

    private static final String PEER_PATHS = "/internal/";
    private static final String ALLOWED = "POST,OPTIONS";
    private static final System.Logger LOG = System.getLogger(PeerServlet.class.getName());

    private transient Node node;
    private transient NodeMetrics metrics;

    @Override
    public void init() throws ServletException {
        if (!(getServletContext().getAttribute(NodeBootstrap.NODE_ATTRIBUTE) instanceof Node found)) {
            throw new ServletException("no node in the servlet context: did NodeBootstrap run?");
        }
        node = found;
        metrics = NodeMetrics.of(getServletContext(), found);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long started = System.nanoTime();
        int status = answer(request, response);
        metrics.request("internal", NodeMetrics.methodTag(request.getMethod()), status, System.nanoTime() - started);
    }

    private int answer(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        String path = RawPath.of(request);
        if (PeerDeadline.expired(request.getHeader(PeerRequest.DEADLINE_HEADER), method, path)) {
            response.setHeader(PeerRequest.EXPIRED_HEADER, "true");
            return json(request, response, 503, error(PeerDeadline.EXPIRED));
        }
        // Only a known operation's name, exactly: "/internal/ping;x=1" or "/internal/%70ing" name none.
        Optional<PeerOperation<?, ?>> operation = node.inCluster() && path.startsWith(PEER_PATHS)
                ? PeerOperation.named(path.substring(PEER_PATHS.length()))
                : Optional.empty();
        if (operation.isEmpty()) {
            return json(request, response, 404, ErrorBodies.notFound());
        }
        if (method.equals("OPTIONS")) {
            response.setHeader("Allow", ALLOWED);
            response.setContentType("text/plain");
            response.getOutputStream().write("POST, OPTIONS".getBytes(StandardCharsets.US_ASCII));
            return 200;
        }
        if (!method.equals("POST")) {
            response.setHeader("Allow", ALLOWED);
            return json(request, response, 405, error(ErrorBodies.METHOD_NOT_ALLOWED));
        }
        if (request.getContentLengthLong() > PeerClient.MAX_MESSAGE_BYTES) {
            return tooLarge(request, response);
        }
        Optional<ClusterToken> token = node.config().clusterToken();
        if (token.isPresent()) {
            String presented = request.getHeader(ClusterToken.HEADER);
            if (presented == null) {
                response.setHeader("WWW-Authenticate", "Causalkv-Token realm=\"causalkv peers\"");
                return json(request, response, 401, error("Cluster token required"));
            }
            if (!token.get().matches(presented)) {
                return json(request, response, 403, error("Invalid cluster token"));
            }
        }
        RequestBody body;
        try {
            body = RequestBody.read(request.getInputStream(), PeerClient.MAX_MESSAGE_BYTES);
        } catch (RequestBody.BodyTooLargeException e) {
            return tooLarge(request, response);
        }
        Optional<ObjectNode> message = body.object();
        if (message.isEmpty()) {
            return json(request, response, 400, error(ErrorBodies.MALFORMED_BODY));
        }
        return serve(operation.get(), message.get(), request, response);
    }

    private int serve(PeerOperation<?, ?> operation, JsonNode message, HttpServletRequest request,
                      HttpServletResponse response) throws IOException {
        ObjectNode answer;
        try {
            answer = operation.serve(node.peerReceiver(), message);
        } catch (IllegalArgumentException | NullPointerException e) {
            return json(request, response, 400, error("Malformed peer message"));
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "peer operation " + operation + " failed", e);
            return json(request, response, 500, error("Internal server error"));
        }
        return json(request, response, 200, answer);
    }


    private static int tooLarge(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Connection", "close");
        return json(request, response, 413, error(ErrorBodies.BODY_TOO_LARGE));
    }

    private static ObjectNode error(String text) {
        return Json.object().put("error", text);
    }

    private static int json(HttpServletRequest request, HttpServletResponse response, int status, ObjectNode body)
            throws IOException {
        JsonErrorServlet.write(request, response, status, Json.MAPPER.writeValueAsBytes(body));
        return status;
    }
}
