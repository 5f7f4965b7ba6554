package io.causalkv.api.kvs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causalkv.api.common.ApiException;
import io.causalkv.api.common.Json;
import io.causalkv.node.Node;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

/**
 * {@code /shard/*} of the {@code kvs} dialect (API.md 6.7). Outside a cluster every path answers
 * 503 (API.md 6.2). A replicated cluster is one shard, id 1, whose members are the view.
 * add-member and reshard arrive with sharding and answer 503 until then.
 */
@Path("shard")
public final class KvsShardResource {

    /** The one shard of a replicated cluster. */
    private static final int SHARD = 1;

    @Inject
    private Node node;

    @GET
    @Path("ids")
    public Response ids() {
        node.view();
        ObjectNode body = Json.object();
        body.putArray("shard-ids").add(SHARD);
        return Json.response(200, body);
    }

    @GET
    @Path("node-shard-id")
    public Response nodeShardId() {
        node.view();
        return Json.response(200, Json.object().put("node-shard-id", SHARD));
    }

    @GET
    @Path("members/{id}")
    public Response members(@PathParam("id") String id) {
        requireShard(id);
        ObjectNode body = Json.object();
        ArrayNode members = body.putArray("shard-members");
        node.view().forEach(member -> members.add(member.toString()));
        return Json.response(200, body);
    }

    @GET
    @Path("key-count/{id}")
    public Response keyCount(@PathParam("id") String id) {
        requireShard(id);
        return Json.response(200, Json.object().put("shard-key-count", node.liveKeyCount()));
    }

    @PUT
    @Path("add-member/{id}")
    public Response addMember() {
        node.view(); // outside a cluster: 503 "Node is not part of a cluster" first
        throw new ApiException(503, Json.object().put("error", "Sharding is not available yet"));
    }

    @PUT
    @Path("reshard")
    public Response reshard() {
        node.view();
        throw new ApiException(503, Json.object().put("error", "Sharding is not available yet"));
    }

    private void requireShard(String id) {
        node.view();
        if (!Integer.toString(SHARD).equals(id)) {
            throw new ApiException(404, Json.object().put("error", "Shard does not exist"));
        }
    }
}
