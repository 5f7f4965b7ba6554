package io.causalkv.api.kvs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.causalkv.api.common.ApiException;
import io.causalkv.api.common.ClientRequest;
import io.causalkv.api.common.ErrorBodies;
import io.causalkv.api.common.Json;
import io.causalkv.api.common.MetadataField;
import io.causalkv.api.common.RequestBody;
import io.causalkv.causal.CausalContext;
import io.causalkv.node.Dialect;
import io.causalkv.node.KeyRequestRejected;
import io.causalkv.node.KeyResult;
import io.causalkv.node.Node;
import io.causalkv.node.NodeMode;
import io.causalkv.transport.PeerUnreachableException;
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
import jakarta.ws.rs.core.UriInfo;
import java.util.Optional;

/**
 * {@code /kvs/<key>} of the {@code kvs} dialect (API.md 6.1 to 6.4): parse, call the node, render.
 * In a cluster every answer carries {@code causal-metadata}; a standalone node's answers do not.
 */
@Path("kvs/{key}")
public final class KvsKeyResource {

    static final String METADATA = "causal-metadata";

    @Inject
    private Node node;
    @Context
    private UriInfo uriInfo;
    @Context
    private ContainerRequestContext request;

    @PUT
    public Response put(@PathParam("key") String key) {
        RequestBody body = RequestBody.read(request.getEntityStream());
        if (node.mode() == NodeMode.FORWARDING) {
            return forward("PUT", body);
        }
        // A malformed body counts as a missing value (API.md 4.1).
        Optional<String> value = body.field("value").map(Json::compact);
        KeyResult result = run("PUT", () -> node.put(key, value, MetadataField.of(body, METADATA), ClientRequest.of(request, body)));
        if (result.relayed() != null) {
            return ClientRequest.relayed(result.relayed());
        }
        return render(result.outcome() == KeyResult.Outcome.CREATED ? 201 : 200,
                Json.object().put("result", result.outcome() == KeyResult.Outcome.CREATED ? "created" : "replaced"),
                result.context());
    }

    @GET
    public Response get(@PathParam("key") String key) {
        RequestBody body = readNonWriteBody("GET");
        if (node.mode() == NodeMode.FORWARDING) {
            return forward("GET", body);
        }
        KeyResult result = run("GET", () -> node.get(key, MetadataField.of(body, METADATA), ClientRequest.of(request, body)));
        if (result.relayed() != null) {
            return ClientRequest.relayed(result.relayed());
        }
        if (result.outcome() != KeyResult.Outcome.FOUND) {
            return keyDoesNotExist(result.context());
        }
        ObjectNode found = Json.object().put("result", "found");
        found.putRawValue("value", new RawValue(result.value()));
        return render(200, found, result.context());
    }

    @DELETE
    public Response delete(@PathParam("key") String key) {
        RequestBody body = readNonWriteBody("DELETE");
        if (node.mode() == NodeMode.FORWARDING) {
            return forward("DELETE", body);
        }
        KeyResult result = run("DELETE", () -> node.delete(key, MetadataField.of(body, METADATA), ClientRequest.of(request, body)));
        if (result.relayed() != null) {
            return ClientRequest.relayed(result.relayed());
        }
        return result.outcome() == KeyResult.Outcome.DELETED
                ? render(200, Json.object().put("result", "deleted"), result.context())
                : keyDoesNotExist(result.context());
    }

    private KeyResult run(String method, java.util.function.Supplier<KeyResult> operation) {
        try {
            return operation.get();
        } catch (KeyRequestRejected rejected) {
            int status = switch (rejected.reason()) {
                case DEPENDENCIES_UNMET, SHARD_UNAVAILABLE -> 503;
                default -> 400;
            };
            throw new ApiException(status, ErrorBodies.of(Dialect.KVS, switch (rejected.reason()) {
                case KEY_TOO_LONG -> "Key is too long";
                case VALUE_MISSING -> "PUT request does not specify a value";
                case INVALID_METADATA -> "Invalid causal metadata";
                case DEPENDENCIES_UNMET -> "Causal dependencies not satisfied; try again later";
                case SHARD_UNAVAILABLE -> "Shard unavailable";
            }, method));
        }
    }

    private Response render(int status, ObjectNode body, CausalContext context) {
        if (node.inCluster()) {
            body.set(METADATA, Wire.context(context));
        }
        return Json.response(status, body);
    }

    private Response keyDoesNotExist(CausalContext context) {
        return render(404, Json.object().put("error", "Key does not exist"), context);
    }

    private RequestBody readNonWriteBody(String method) {
        RequestBody body = RequestBody.read(request.getEntityStream());
        // Forwarding leaves validation to the main instance (API.md 6.2).
        if (body.isMalformed() && node.mode() != NodeMode.FORWARDING) {
            throw new ApiException(400, ErrorBodies.of(Dialect.KVS, ErrorBodies.MALFORMED_BODY, method));
        }
        return body;
    }

    private Response forward(String method, RequestBody body) {
        try {
            return ClientRequest.relayed(node.forward(method, "/" + uriInfo.getPath(false), body.raw()));
        } catch (PeerUnreachableException e) {
            return Json.response(503, ErrorBodies.of(Dialect.KVS, "Main instance is down", method));
        }
    }
}
