package io.causalkv.api.common;

import io.causalkv.transport.PeerRequest;
import io.causalkv.transport.PeerResponse;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;

/**
 * A client request as received, for relaying unchanged to another node (forwarding, proxying
 * to the owning shard), and the relayed answer as a response.
 */
public final class ClientRequest {

    private ClientRequest() {
    }

    /** Method, raw path and body of {@code request}, with the hop count it arrived with. */
    public static PeerRequest of(ContainerRequestContext request, RequestBody body) {
        String rawPath = "/" + request.getUriInfo().getPath(false);
        return of(request.getMethod(), rawPath, body, request.getHeaderString(PeerRequest.BUDGET_HEADER),
                request.getHeaderString(PeerRequest.HOPS_HEADER));
    }

    /**
     * A request read outside Jersey, with its relay headers (null when absent; already dropped
     * when a cluster token says they are not a node's: RelayHeaderFilter's rule).
     */
    public static PeerRequest of(String method, String rawPath, RequestBody body, String budgetHeader, String hopsHeader) {
        return new PeerRequest(method, rawPath, body.raw(), budget(budgetHeader), headerInt(hopsHeader, 100));
    }

    /**
     * What is left of a relaying node's time budget, less a margin for the way back (zero when
     * the request comes from a client: the node's own budget applies).
     */
    private static Duration budget(String header) {
        int millis = headerInt(header, 60_000);
        return millis == 0 ? Duration.ZERO : Duration.ofMillis(Math.max(1, millis - 100));
    }

    /** A node's answer, status and body unchanged. */
    public static Response relayed(PeerResponse answer) {
        return Response.status(answer.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(answer.body()).build();
    }

    private static int headerInt(String header, int max) {
        if (header == null) {
            return 0;
        }
        try {
            return Math.max(0, Math.min(Integer.parseInt(header.trim()), max));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
