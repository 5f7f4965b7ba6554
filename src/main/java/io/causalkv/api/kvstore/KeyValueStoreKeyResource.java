package io.causalkv.api.kvstore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.causalkv.api.common.ErrorBodies;
import io.causalkv.api.common.Json;
import io.causalkv.api.common.KeyEndpoint;
import io.causalkv.node.DependencyPolicy;
import io.causalkv.node.Dialect;
import io.causalkv.node.KeyRequestRejected;
import io.causalkv.node.KeyResult;
import io.causalkv.node.Node;
import io.causalkv.wire.Wire;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

/**
 * {@code /key-value-store/<key>} of the {@code key-value-store} dialect (API.md 7.1, 7.2): the
 * "message" family of bodies, {@code shard-id} in write answers, and requests with unmet
 * dependencies wait for them (bounded by {@code KVS_DEPENDENCY_WAIT_MS}) instead of being refused.
 */
@Path("key-value-store/{key}")
public final class KeyValueStoreKeyResource implements KeyEndpoint.Renderer {

    static final String METADATA = "causal-metadata";

    @Inject
    private Node node;
    @Context
    private ContainerRequestContext request;

    private KeyEndpoint endpoint() {
        return new KeyEndpoint(node, Dialect.KEY_VALUE_STORE, METADATA,
                DependencyPolicy.waitUpTo(node.config().dependencyWait()), this);
    }

    @PUT
    public Response put(@PathParam("key") String key) {
        return endpoint().put(key, request);
    }

    @GET
    public Response get(@PathParam("key") String key) {
        return endpoint().get(key, request);
    }

    @DELETE
    public Response delete(@PathParam("key") String key) {
        return endpoint().delete(key, request);
    }

    @Override
    public Response written(KeyResult result) {
        boolean created = result.outcome() == KeyResult.Outcome.CREATED;
        ObjectNode body = Json.object()
                .put("message", created ? "Added successfully" : "Updated successfully")
                .put("replaced", !created);
        body.set(METADATA, Wire.context(result.context()));
        body.put("shard-id", result.shard());
        return Json.response(created ? 201 : 200, body);
    }

    @Override
    public Response found(KeyResult result) {
        ObjectNode body = Json.object().put("message", "Retrieved successfully").put("doesExist", true);
        body.putRawValue("value", new RawValue(result.value()));
        body.set(METADATA, Wire.context(result.context()));
        return Json.response(200, body);
    }

    @Override
    public Response deleted(KeyResult result) {
        ObjectNode body = Json.object().put("message", "Deleted successfully").put("doesExist", true);
        body.set(METADATA, Wire.context(result.context()));
        body.put("shard-id", result.shard());
        return Json.response(200, body);
    }

    @Override
    public Response notFound(KeyResult result, String method) {
        ObjectNode body = Json.object().put("doesExist", false);
        body.setAll(ErrorBodies.of(Dialect.KEY_VALUE_STORE, "Key does not exist", method));
        body.set(METADATA, Wire.context(result.context()));
        return Json.response(404, body);
    }

    @Override
    public Response rejected(KeyRequestRejected rejected, String method) {
        return Json.response(rejected.status(), ErrorBodies.of(Dialect.KEY_VALUE_STORE, switch (rejected.reason()) {
            case KEY_TOO_LONG -> "Key is too long";
            case VALUE_MISSING -> "Value is missing";
            case INVALID_METADATA -> "Invalid causal metadata";
            case DEPENDENCIES_UNMET -> "Causal dependencies not satisfied; try again later";
            case SHARD_UNAVAILABLE -> "Shard unavailable";
            case UNSATISFIABLE -> "Causal dependencies not satisfied; try again later"; // not this dialect's rule
        }, method));
    }

    @Override
    public Response mainInstanceDown(String method) {
        return Json.response(503, ErrorBodies.of(Dialect.KEY_VALUE_STORE, "Main instance is down", method));
    }
}
