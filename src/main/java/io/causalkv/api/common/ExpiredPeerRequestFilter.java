package io.causalkv.api.common;

import io.causalkv.transport.PeerRequest;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;
import java.lang.System.Logger.Level;

/**
 * Refuses a request from another node that is read after its sender stopped waiting for it
 * ({@link PeerRequest#DEADLINE_HEADER}), before anything acts on it. Such a request sat in a
 * kernel while a link was down (TCP retransmits it once the link is back) or in the socket of a
 * process that was paused; its sender has already treated it as failed (a relay answered 503, or
 * moved on; a replication batch will be sent again), so acting on it now would apply a write
 * twice or repair a replica before its time (API.md 10.3). A client gains nothing by sending the
 * header: it can only have its own request refused.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION - 100) // after the metrics filter starts its clock, before anything else
public final class ExpiredPeerRequestFilter implements ContainerRequestFilter {

    private static final System.Logger LOG = System.getLogger(ExpiredPeerRequestFilter.class.getName());

    @Override
    public void filter(ContainerRequestContext request) {
        String deadline = request.getHeaderString(PeerRequest.DEADLINE_HEADER);
        if (deadline == null) {
            return;
        }
        long late;
        try {
            late = System.currentTimeMillis() - Long.parseLong(deadline.trim());
        } catch (NumberFormatException e) {
            return; // not a node's header
        }
        if (late > 0) {
            String path = request.getUriInfo().getPath();
            // Heartbeats pile up in a paused process's socket by the dozen: only other requests are worth a line.
            LOG.log(path.endsWith("ping") ? Level.DEBUG : Level.INFO,
                    "refused {0} {1} from a peer: read {2} ms after its sender gave up on it", request.getMethod(), path, late);
            request.abortWith(Json.response(503, Json.object().put("error", "Request expired")));
        }
    }
}
