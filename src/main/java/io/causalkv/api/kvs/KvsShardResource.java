package io.causalkv.api.kvs;

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
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * {@code /shard/*} of the {@code kvs} dialect (API.md 6.7): shard ids are JSON integers. Outside
 * a cluster every path answers 503 (API.md 6.2); the exception mapper renders it.
 */
@Path("shard")
public final class KvsShardResource {

    @Inject
    private Node node;
    @Context
    private ContainerRequestContext request;

    @GET
    @Path("ids")
    public Response ids() {
        ObjectNode body = Json.object();
        ArrayNode ids = body.putArray("shard-ids");
        node.shards().shardIds().forEach(ids::add);
        return Json.response(200, body);
    }

    @GET
    @Path("node-shard-id")
    public Response nodeShardId() {
        ObjectNode body = Json.object();
        node.shards().nodeShardId().ifPresentOrElse(id -> body.put("node-shard-id", id), () -> body.putNull("node-shard-id"));
        return Json.response(200, body);
    }

    @GET
    @Path("members/{id}")
    public Response members(@PathParam("id") String id) {
        int shard = shard(id);
        ObjectNode body = Json.object();
        ArrayNode members = body.putArray("shard-members");
        run("GET", () -> node.shards().shardMembers(shard)).forEach(member -> members.add(member.toString()));
        return Json.response(200, body);
    }

    @GET
    @Path("key-count/{id}")
    public Response keyCount(@PathParam("id") String id) {
        int shard = shard(id);
        return Json.response(200, Json.object().put("shard-key-count", run("GET", () -> node.shards().shardKeyCount(shard))));
    }

    @PUT
    @Path("add-member/{id}")
    public Response addMember(@PathParam("id") String id) {
        int shard = shard(id);
        NodeAddress member = SocketAddressField.require(RequestBody.read(request.getEntityStream()), Dialect.KVS, "PUT");
        run("PUT", () -> {
            node.shards().addShardMember(shard, member);
            return null;
        });
        return Json.response(200, Json.object().put("result", "node added to shard"));
    }

    @PUT
    @Path("reshard")
    public Response reshard() {
        node.shards().view(); // outside a cluster: 503 before the body is looked at
        int shards = ShardCountField.require(RequestBody.read(request.getEntityStream()), Dialect.KVS, "PUT");
        run("PUT", () -> {
            node.shards().reshard(shards);
            return null;
        });
        return Json.response(200, Json.object().put("result", "resharded"));
    }

    /** The shard of a path; a text that names no shard answers as a shard that does not exist. */
    private int shard(String id) {
        node.shards().view(); // outside a cluster: 503 first
        OptionalInt shard = ShardIdText.parse(id);
        if (shard.isEmpty()) {
            throw new ApiException(404, Json.object().put("error", "Shard does not exist"));
        }
        return shard.getAsInt();
    }

    private static <T> T run(String method, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (ShardRequestRejected rejected) {
            throw switch (rejected.reason()) {
                case SHARD_NOT_FOUND -> new ApiException(404, Json.object().put("error", "Shard does not exist"));
                case NODE_NOT_IN_VIEW -> new ApiException(404, Json.object().put("error", "Node is not in the view"));
                case NODE_IN_OTHER_SHARD -> new ApiException(400, Json.object().put("error", "Node already belongs to another shard"));
                case NOT_ENOUGH_NODES -> new ApiException(400, Json.object().put("error",
                        "Not enough nodes to provide fault tolerance with requested shard count"));
                case SHARD_UNAVAILABLE -> new ApiException(503, ErrorBodies.of(Dialect.KVS, "Shard unavailable", method));
                case RESHARD_CONFLICT -> new ApiException(503, ErrorBodies.of(Dialect.KVS, "Another reshard is in progress", method));
            };
        }
    }
}
