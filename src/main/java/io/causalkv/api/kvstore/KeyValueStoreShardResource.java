package io.causalkv.api.kvstore;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causalkv.api.common.ApiException;
import io.causalkv.api.common.ErrorBodies;
import io.causalkv.api.common.Json;
import io.causalkv.api.common.RequestBody;
import io.causalkv.api.common.ShardCountField;
import io.causalkv.api.common.ShardIdText;
import io.causalkv.api.common.SocketAddressField;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.node.Dialect;
import io.causalkv.node.Node;
import io.causalkv.node.ShardRequestRejected;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.util.function.Supplier;

/**
 * {@code /key-value-store-shard/*} (API.md 7.4): the effects of {@code /shard/*} in this dialect's
 * words; shard ids are JSON integers, and the reshard refusal has its own fixed body.
 */
@Path("key-value-store-shard")
public final class KeyValueStoreShardResource {

    private static final Dialect DIALECT = Dialect.KEY_VALUE_STORE;

    @Inject
    private Node node;
    @Context
    private ContainerRequestContext request;

    @GET
    @Path("shard-ids")
    public Response ids() {
        ObjectNode body = Json.message("Shard IDs retrieved successfully");
        ArrayNode ids = body.putArray("shard-ids");
        node.shards().shardIds().forEach(ids::add);
        return Json.response(200, body);
    }

    @GET
    @Path("node-shard-id")
    public Response nodeShardId() {
        ObjectNode body = Json.message("Shard ID of the node retrieved successfully");
        node.shards().nodeShardId().ifPresentOrElse(id -> body.put("shard-id", id), () -> body.putNull("shard-id"));
        return Json.response(200, body);
    }

    @GET
    @Path("shard-id-members/{id}")
    public Response members(@PathParam("id") String id) {
        int shard = shard(id, "GET");
        ObjectNode body = Json.message("Members of shard ID retrieved successfully");
        ArrayNode members = body.putArray("shard-id-members");
        run("GET", () -> node.shards().shardMembers(shard)).forEach(member -> members.add(member.toString()));
        return Json.response(200, body);
    }

    @GET
    @Path("shard-id-key-count/{id}")
    public Response keyCount(@PathParam("id") String id) {
        int shard = shard(id, "GET");
        return Json.response(200, Json.message("Key count of shard ID retrieved successfully")
                .put("shard-id-key-count", run("GET", () -> node.shards().shardKeyCount(shard))));
    }

    @PUT
    @Path("add-member/{id}")
    public Response addMember(@PathParam("id") String id) {
        int shard = shard(id, "PUT");
        NodeAddress member = SocketAddressField.require(RequestBody.read(request.getEntityStream()), DIALECT, "PUT");
        run("PUT", () -> {
            node.shards().addShardMember(shard, member);
            return null;
        });
        return Json.response(200, Json.message("Node added to shard successfully"));
    }

    @PUT
    @Path("reshard")
    public Response reshard() {
        node.shards().view(); // outside a cluster: 503 before the body is looked at
        int shards = ShardCountField.require(RequestBody.read(request.getEntityStream()), DIALECT, "PUT");
        run("PUT", () -> {
            node.shards().reshard(shards);
            return null;
        });
        return Json.response(200, Json.message("Resharding done successfully"));
    }

    private int shard(String id, String method) {
        node.shards().view(); // outside a cluster: 503 first
        return ShardIdText.parse(id).orElseThrow(() -> error(404, "Shard ID does not exist", method));
    }

    private static <T> T run(String method, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (ShardRequestRejected rejected) {
            throw switch (rejected.reason()) {
                case SHARD_NOT_FOUND -> error(404, "Shard ID does not exist", method);
                case NODE_NOT_IN_VIEW -> error(404, "Node is not in the view", method);
                case NODE_IN_OTHER_SHARD -> error(400, "Node already belongs to another shard", method);
                // This dialect's clients expect exactly this body: "message" only, no "error".
                case NOT_ENOUGH_NODES -> new ApiException(400,
                        Json.message("Not enough nodes to provide fault-tolerance with the given shard count!"));
                case SHARD_UNAVAILABLE -> error(503, "Shard unavailable", method);
                case RESHARD_CONFLICT -> error(503, "Another reshard is in progress", method);
            };
        }
    }

    private static ApiException error(int status, String text, String method) {
        return new ApiException(status, ErrorBodies.of(DIALECT, text, method));
    }
}
