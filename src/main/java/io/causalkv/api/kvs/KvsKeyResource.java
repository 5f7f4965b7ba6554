package io.causalkv.api.kvs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.causalkv.api.common.ApiException;
import io.causalkv.api.common.ErrorBodies;
import io.causalkv.api.common.Json;
import io.causalkv.api.common.RequestBody;
import io.causalkv.node.Dialect;
import io.causalkv.node.KeyRequestRejected;
import io.causalkv.node.Node;
import io.causalkv.node.NodeMode;
import io.causalkv.store.WriteOutcome;
import io.causalkv.transport.PeerResponse;
import io.causalkv.transport.PeerUnreachableException;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.Optional;

/** {@code /kvs/<key>} of the {@code kvs} dialect (API.md 6.1 to 6.3): parse, call the node, render. */
@Path("kvs/{key}")
public final class KvsKeyResource {

    static final String KEY_DOES_NOT_EXIST = "Key does not exist";

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
        try {
            WriteOutcome outcome = node.put(key, value);
            return outcome == WriteOutcome.CREATED
                    ? Json.response(201, Json.object().put("result", "created"))
                    : Json.response(200, Json.object().put("result", "replaced"));
        } catch (KeyRequestRejected rejected) {
            throw new ApiException(400, ErrorBodies.of(Dialect.KVS, switch (rejected.reason()) {
                case KEY_TOO_LONG -> "Key is too long";
                case VALUE_MISSING -> "PUT request does not specify a value";
            }, "PUT"));
        }
    }

    @GET
    public Response get(@PathParam("key") String key) {
        RequestBody body = readNonWriteBody("GET");
        if (node.mode() == NodeMode.FORWARDING) {
            return forward("GET", body);
        }
        return node.get(key)
                .map(value -> Json.response(200, found(value)))
                .orElseGet(KvsKeyResource::keyDoesNotExist);
    }

    @DELETE
    public Response delete(@PathParam("key") String key) {
        RequestBody body = readNonWriteBody("DELETE");
        if (node.mode() == NodeMode.FORWARDING) {
            return forward("DELETE", body);
        }
        return node.delete(key)
                ? Json.response(200, Json.object().put("result", "deleted"))
                : keyDoesNotExist();
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
            PeerResponse answer = node.forward(method, "/" + uriInfo.getPath(false), body.raw());
            return Response.status(answer.status()).type(MediaType.APPLICATION_JSON_TYPE).entity(answer.body()).build();
        } catch (PeerUnreachableException e) {
            return Json.response(503, ErrorBodies.of(Dialect.KVS, "Main instance is down", method));
        }
    }

    private static ObjectNode found(String valueJson) {
        ObjectNode body = Json.object().put("result", "found");
        body.putRawValue("value", new RawValue(valueJson));
        return body;
    }

    private static Response keyDoesNotExist() {
        return Json.response(404, Json.object().put("error", KEY_DOES_NOT_EXIST));
    }
}
