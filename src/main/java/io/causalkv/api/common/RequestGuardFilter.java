package io.causalkv.api.common;

import io.causalkv.node.Node;
import io.causalkv.transport.PeerClient;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;
import java.util.Locale;

/**
 * Rules that hold before any resource is matched (API.md 4.1, 4.2, 4.3): a trailing slash is a
 * different, unknown path; an encoded slash in a key is an invalid key; a declared body over
 * the limit (a client's, or a peer message's) is refused before it is read.
 */
@Provider
@PreMatching
public final class RequestGuardFilter implements ContainerRequestFilter {

    /** The admin page's own address ends with a slash; it is not a dialect path (API.md 3). */
    private static final String ADMIN_PAGE = "admin/";
    /** Peer messages have their own, larger limit; any other path under it is unknown anyway. */
    private static final String PEER_PATHS = "internal/";

    @Inject
    private Node node;

    @Override
    public void filter(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath(false);
        if (path.startsWith("/")) {
            path = path.substring(1);
        }
        String method = request.getMethod();
        if ((path.endsWith("/") && !path.equals(ADMIN_PAGE)) || path.contains("//")) {
            request.abortWith(Json.response(404, ErrorBodies.notFound()));
        } else if (path.toUpperCase(Locale.ROOT).contains("%2F")) {
            request.abortWith(DialectPaths.isKeyPath(path, node.config().dialects())
                    ? Json.response(400, ErrorBodies.onPath(node, path, ErrorBodies.INVALID_KEY, method))
                    : Json.response(404, ErrorBodies.notFound()));
        } else if (declaredLength(request) > (path.startsWith(PEER_PATHS) ? PeerClient.MAX_MESSAGE_BYTES : RequestBody.MAX_BYTES)) {
            request.abortWith(JsonExceptionMapper.bodyTooLarge(node, path, method));
        }
    }

    private static long declaredLength(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
