package io.causalkv.api.kvstore;

import io.causalkv.api.common.ApiException;
import io.causalkv.api.common.ErrorBodies;
import io.causalkv.api.common.Json;
import io.causalkv.api.common.RequestBody;
import io.causalkv.api.common.SocketAddressField;
import io.causalkv.cluster.NodeAddress;
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
import java.util.stream.Collectors;

/**
 * {@code /key-value-store-view} (API.md 7.3): the effects of {@code /view}, rendered in this
 * dialect's words. The view is one comma-separated string; an existing address is a 404 on PUT.
 */
@Path("key-value-store-view")
public final class KeyValueStoreViewResource {

    @Inject
    private Node node;
    @Context
    private ContainerRequestContext request;

    @GET
    public Response view() {
        String view = node.shards().view().stream().map(NodeAddress::toString).collect(Collectors.joining(","));
        return Json.response(200, Json.message("View retrieved successfully").put("view", view));
    }

    @PUT
    public Response add() {
        node.shards().view(); // outside a cluster: 503 before the body is looked at
        NodeAddress address = SocketAddressField.require(RequestBody.read(request.getEntityStream()), Dialect.KEY_VALUE_STORE, "PUT");
        if (node.shards().addToView(address) == ViewChange.ALREADY_PRESENT) {
            throw new ApiException(404, ErrorBodies.of(Dialect.KEY_VALUE_STORE, "Socket address already exists in the view", "PUT"));
        }
        return Json.response(201, Json.message("Replica added successfully to the view"));
    }

    @DELETE
    public Response remove() {
        node.shards().view();
        NodeAddress address = SocketAddressField.require(RequestBody.read(request.getEntityStream()), Dialect.KEY_VALUE_STORE, "DELETE");
        if (node.shards().removeFromView(address) == ViewChange.NOT_PRESENT) {
            throw new ApiException(404, ErrorBodies.of(Dialect.KEY_VALUE_STORE, "Socket address does not exist in the view", "DELETE"));
        }
        return Json.response(200, Json.message("Replica deleted successfully from the view"));
    }
}
