package io.causalkv.api.kvs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.causalkv.api.common.ErrorBodies;
import io.causalkv.api.common.Json;
import io.causalkv.api.common.KeyEndpoint;
import io.causalkv.causal.CausalContext;
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
 * {@code /kvs/<key>} of the {@code kvs} dialect (API.md 6.1 to 6.4): its words for each outcome.
 * In a cluster every answer carries {@code causal-metadata}; a standalone node's answers do not.
 * Unmet dependencies are refused at once (6.4).
 */
@Path("kvs/{key}")
public final class KvsKeyResource implements KeyEndpoint.Renderer {

    static final String METADATA = "causal-metadata";

    @Inject
    private Node node;
    @Context
    private ContainerRequestContext request;

    /** With kvs-keys on, these names are its paths for every method, never kvs keys (API.md 3), and what they allow. */
    private static final java.util.Map<String, String> KVS_KEYS_PATHS = java.util.Map.of(
            "key-count", "GET", "shards", "GET", "view-change", "PUT");

    private KeyEndpoint endpoint(String key) {
        String allowed = KVS_KEYS_PATHS.get(key);
        if (allowed != null && node.config().serves(Dialect.KVS_KEYS)) {
            // Routing matched the key template because the kvs-keys path has no such method.
            throw new jakarta.ws.rs.NotAllowedException(allowed);
        }
        // Standalone, this dialect accepts and ignores causal-metadata (API.md 6.1).
        return new KeyEndpoint(node, Dialect.KVS, node.inCluster() ? METADATA : null, DependencyPolicy.REFUSE, this);
    }

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

    @Override
    public Response written(KeyResult result) {
        boolean created = result.outcome() == KeyResult.Outcome.CREATED;
        return render(created ? 201 : 200, Json.object().put("result", created ? "created" : "replaced"), result.context());
    }

    @Override
    public Response found(KeyResult result) {
        ObjectNode found = Json.object().put("result", "found");
        found.putRawValue("value", new RawValue(result.value()));
        return render(200, found, result.context());
    }

    @Override
    public Response deleted(KeyResult result) {
        return render(200, Json.object().put("result", "deleted"), result.context());
    }

    @Override
    public Response notFound(KeyResult result, String method) {
        return render(404, Json.object().put("error", "Key does not exist"), result.context());
    }

    @Override
    public Response rejected(KeyRequestRejected rejected, String method) {
        return Json.response(rejected.status(), ErrorBodies.of(Dialect.KVS, switch (rejected.reason()) {
            case KEY_TOO_LONG -> "Key is too long";
            case VALUE_MISSING -> "PUT request does not specify a value";
            case INVALID_METADATA -> "Invalid causal metadata";
            case DEPENDENCIES_UNMET -> "Causal dependencies not satisfied; try again later";
            case SHARD_UNAVAILABLE -> "Shard unavailable";
            case UNSATISFIABLE -> "Causal dependencies not satisfied; try again later"; // not this dialect's rule
        }, method));
    }

    @Override
    public Response mainInstanceDown(String method) {
        return Json.response(503, ErrorBodies.of(Dialect.KVS, "Main instance is down", method));
    }

    private Response render(int status, ObjectNode body, CausalContext context) {
        if (node.inCluster()) {
            body.set(METADATA, Wire.context(context));
        }
        return Json.response(status, body);
    }
}
