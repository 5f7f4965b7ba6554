package io.causalkv.api.common;

import io.causalkv.transport.PeerRequest;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;

/**
 * Refuses a relayed client request read after its sender gave up on it ({@link PeerDeadline}),
 * before anything acts on it. Peer messages are checked by the peer servlet.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100) // after the metrics filter starts its clock, before anything else
public final class ExpiredPeerRequestFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        if (PeerDeadline.expired(request.getHeaderString(PeerRequest.DEADLINE_HEADER), request.getMethod(),
                request.getUriInfo().getPath())) {
            request.abortWith(jakarta.ws.rs.core.Response.fromResponse(
                    Json.response(503, Json.object().put("error", PeerDeadline.EXPIRED)))
                    .header(PeerRequest.EXPIRED_HEADER, "true").build());
        }
    }
}
