package io.causalkv.api.common;

import io.causalkv.keys.KeyRequest;
import io.causalkv.keys.KeyRequestRejected;
import io.causalkv.node.Dialect;
import io.causalkv.node.Node;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

/**
 * A dialect's key path: PUT, GET and DELETE of one key go through the shared {@link KeyEndpoint};
 * a subclass names the path ({@code @Path}), says how its endpoint is set up, and renders.
 */
public abstract class KeyResource implements KeyEndpoint.Renderer {

    @Inject
    protected Node node;
    @Context
    protected ContainerRequestContext request;

    private final Dialect dialect;

    protected KeyResource(Dialect dialect) {
        this.dialect = dialect;
    }

    /** The endpoint for this request (dialect, metadata field, dependency rule). */
    protected abstract KeyEndpoint endpoint(String key);

    /**
     * This path's resource for {@code node}, to answer outside Jersey ({@code KeyPathFilter}):
     * what Jersey would inject. The resource keeps no state of a request, so one serves all.
     */
    public final KeyResource boundTo(Node node) {
        this.node = node;
        return this;
    }

    /** A request read outside Jersey, answered as this resource answers it under Jersey. */
    public final Response answer(KeyRequest.Op op, String key, String method, RequestBody body,
                                 io.causalkv.transport.PeerRequest asReceived) {
        return endpoint(key).handle(op, key, method, body, asReceived);
    }

    @PUT
    public Response put(@PathParam("key") String key) {
        return endpoint(key).handle(KeyRequest.Op.PUT, key, request);
    }

    @GET
    public Response get(@PathParam("key") String key) {
        return endpoint(key).handle(KeyRequest.Op.GET, key, request);
    }

    @DELETE
    public Response delete(@PathParam("key") String key) {
        return endpoint(key).handle(KeyRequest.Op.DELETE, key, request);
    }

    /** The dialect whose error family this path's answers use. */
    protected Dialect dialect() {
        return dialect;
    }

    /** The dialect's words for a PUT without a value (API.md 4.3). */
    protected String valueMissing() {
        return "Value is missing";
    }

    /** A refusal, in the words every dialect shares (its own for a missing value). */
    @Override
    public Response rejected(KeyRequestRejected rejected, String method) {
        return Json.response(rejected.status(), ErrorBodies.of(dialect(), errorText(rejected.reason()), method));
    }

    protected String errorText(KeyRequestRejected.Reason reason) {
        return switch (reason) {
            case KEY_TOO_LONG -> "Key is too long";
            case VALUE_MISSING -> valueMissing();
            case INVALID_METADATA -> "Invalid causal metadata";
            case DEPENDENCIES_UNMET -> "Causal dependencies not satisfied; try again later";
            case SHARD_UNAVAILABLE -> "Shard unavailable";
            case UNSATISFIABLE -> "Unable to satisfy request"; // only kvs-keys refuses reads this way
            case MALFORMED_BODY -> ErrorBodies.MALFORMED_BODY;
            case MAIN_INSTANCE_DOWN -> "Main instance is down";
        };
    }
}
