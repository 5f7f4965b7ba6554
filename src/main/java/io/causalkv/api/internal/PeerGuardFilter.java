package io.causalkv.api.internal;

import io.causalkv.api.common.ErrorBodies;
import io.causalkv.api.common.Json;
import io.causalkv.node.Node;
import io.causalkv.transport.ClusterToken;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who may call a peer endpoint. Runs after matching, so it guards whatever path Jersey matched
 * to {@link InternalResource}: the request must name it exactly as {@code /internal/<operation>}
 * (no path parameters, dot segments or encodings that happened to resolve there), and carry the
 * cluster token when the node has one. Runs before the resource reads the body.
 */
@Provider
@PeerEndpoint
@Priority(Priorities.AUTHENTICATION)
public final class PeerGuardFilter implements ContainerRequestFilter {

    private static final Pattern EXACT_PATH = Pattern.compile("internal/[a-z-]+");

    @Inject
    private Node node;

    @Override
    public void filter(ContainerRequestContext request) {
        String base = request.getUriInfo().getBaseUri().getRawPath();
        String raw = request.getUriInfo().getRequestUri().getRawPath();
        if (!raw.startsWith(base) || !EXACT_PATH.matcher(raw.substring(base.length())).matches()) {
            request.abortWith(Json.response(404, ErrorBodies.notFound()));
            return;
        }
        Optional<ClusterToken> token = node.config().clusterToken();
        if (token.isEmpty()) {
            return;
        }
        String presented = request.getHeaderString(ClusterToken.HEADER);
        if (presented == null) {
            request.abortWith(Response.fromResponse(Json.response(401, Json.object().put("error", "Cluster token required")))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Causalkv-Token realm=\"causalkv peers\"")
                    .build());
        } else if (!token.get().matches(presented)) {
            request.abortWith(Json.response(403, Json.object().put("error", "Invalid cluster token")));
        }
    }
}
