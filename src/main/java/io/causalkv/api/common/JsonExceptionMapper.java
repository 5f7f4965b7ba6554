package io.causalkv.api.common;

import io.causalkv.node.Dialect;
import io.causalkv.node.Node;
import io.causalkv.replication.ChangeLogFailedException;
import jakarta.inject.Inject;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.lang.System.Logger.Level;
import java.util.Optional;

/**
 * Turns every exception into a JSON answer in the right dialect's error family. Nothing leaves
 * the application as an HTML page or a stack trace; unexpected failures are logged here.
 */
@Provider
public final class JsonExceptionMapper implements ExceptionMapper<Throwable> {

    private static final System.Logger LOG = System.getLogger(JsonExceptionMapper.class.getName());
    /** causalkv's own string (issue 18): the node's data directory refuses writes. */
    static final String STORAGE_UNAVAILABLE = "Storage unavailable";

    @Inject
    private Node node;
    @Context
    private UriInfo uriInfo;
    @Context
    private Request request;

    @Override
    public Response toResponse(Throwable failure) {
        return answer(node, failure, uriInfo.getPath(false), request.getMethod());
    }

    /**
     * The answer to {@code failure} on {@code path} (percent-encoded, without the leading slash):
     * Jersey's, and the key path's outside Jersey ({@code KeyPathFilter}).
     */
    public static Response answer(Node node, Throwable failure, String path, String method) {
        Optional<Dialect> dialect = DialectPaths.dialectOf(path, node.config().dialects());
        if (failure instanceof ApiException answer) {
            return answer.toResponse();
        }
        if (failure instanceof RequestBody.BodyTooLargeException) {
            return bodyTooLarge(node, path, method);
        }
        if (failure instanceof Node.NotInClusterException) {
            return Json.response(503, ErrorBodies.of(dialect, "Node is not part of a cluster", method));
        }
        if (failure instanceof ChangeLogFailedException storage) {
            // A full disk or an I/O error: the write is not acknowledged (refused before it was
            // applied, or, when its fsync failed, applied but not promised durable); the log stays whole.
            LOG.log(Level.ERROR, "refused " + method + " /" + path + ": " + storage.getMessage() + ": " + storage.getCause());
            return Json.response(503, ErrorBodies.of(dialect, STORAGE_UNAVAILABLE, method));
        }
        if (failure instanceof NotFoundException) {
            return Json.response(404, ErrorBodies.notFound());
        }
        if (failure instanceof NotAllowedException notAllowed) {
            return Response.fromResponse(Json.response(405,
                            ErrorBodies.onPath(node, path, ErrorBodies.METHOD_NOT_ALLOWED, method)))
                    .header(HttpHeaders.ALLOW, notAllowed.getResponse().getHeaderString(HttpHeaders.ALLOW))
                    .build();
        }
        if (failure instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
            Response.StatusType status = web.getResponse().getStatusInfo();
            return Json.response(status.getStatusCode(), ErrorBodies.of(dialect, status.getReasonPhrase(), method));
        }
        LOG.log(Level.ERROR, "unexpected failure on " + method + " /" + path, failure);
        return Json.response(500, ErrorBodies.of(dialect, "Internal server error", method));
    }

    /**
     * The 413 answer. The rest of the body is left unread, so the connection cannot be reused:
     * say so, or a keep-alive client would send its next request into a closing socket.
     */
    static Response bodyTooLarge(Node node, String path, String method) {
        return Response.fromResponse(Json.response(413, ErrorBodies.onPath(node, path, ErrorBodies.BODY_TOO_LARGE, method)))
                .header("Connection", "close")
                .build();
    }
}
