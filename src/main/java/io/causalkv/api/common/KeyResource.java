package io.causalkv.api.common;

import io.causalkv.node.KeyRequestRejected;
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

    /** The endpoint for this request (dialect, metadata field, dependency rule). */
    protected abstract KeyEndpoint endpoint(String key);

    @PUT
    public Response put(@PathParam("key") String key) {
        return endpoint(key).put(key, request);
    }

    @GET
    public Response get(@PathParam("key") String key) {
        return endpoint(key).get(key, request);
    }

    @DELETE
    public Response delete(@PathParam("key") String key) {
        return endpoint(key).delete(key, request);
    }

    /** The error text every dialect shares for a refusal, with the dialect's own for a missing value. */
    protected static String errorText(KeyRequestRejected.Reason reason, String valueMissing, String unsatisfiable) {
        return switch (reason) {
            case KEY_TOO_LONG -> "Key is too long";
            case VALUE_MISSING -> valueMissing;
            case INVALID_METADATA -> "Invalid causal metadata";
            case DEPENDENCIES_UNMET -> "Causal dependencies not satisfied; try again later";
            case SHARD_UNAVAILABLE -> "Shard unavailable";
            case UNSATISFIABLE -> unsatisfiable;
        };
    }
}
