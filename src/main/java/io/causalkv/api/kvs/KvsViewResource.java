package io.causalkv.api.kvs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causalkv.api.common.Json;
import io.causalkv.api.common.RequestBody;
import io.causalkv.api.common.SocketAddressField;
import io.causalkv.node.Dialect;
import io.causalkv.node.Node;
import io.causalkv.node.ViewChange;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

/** {@code /view} of the {@code kvs} dialect (API.md 6.6). Outside a cluster it answers 503 (the mapper renders it). */
@Path("view")
public final class KvsViewResource {

    @Inject
    private Node node;
    @Context
    private ContainerRequestContext request;

    @GET
    public Response view() {
        ObjectNode body = Json.object();
        ArrayNode view = body.putArray("view");
        node.shards().view().forEach(address -> view.add(address.toString()));
        return Json.response(200, body);
    }

    @PUT
    public Response add() {
        node.shards().view(); // outside a cluster: 503 before the body is looked at
        ViewChange change = node.shards().addToView(SocketAddressField.require(RequestBody.read(request.getEntityStream()), Dialect.KVS, "PUT"));
        return change == ViewChange.ADDED
                ? Json.response(201, Json.object().put("result", "added"))
                : Json.response(200, Json.object().put("result", "already present"));
    }

    @DELETE
    public Response remove() {
        node.shards().view();
        ViewChange change = node.shards().removeFromView(SocketAddressField.require(RequestBody.read(request.getEntityStream()), Dialect.KVS, "DELETE"));
        return change == ViewChange.DELETED
                ? Json.response(200, Json.object().put("result", "deleted"))
                : Json.response(404, Json.object().put("error", "View has no such replica"));
    }
}
