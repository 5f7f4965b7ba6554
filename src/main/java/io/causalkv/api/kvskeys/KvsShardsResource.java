package io.causalkv.api.kvskeys;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causalkv.api.common.ApiException;
import io.causalkv.api.common.ErrorBodies;
import io.causalkv.api.common.Json;
import io.causalkv.api.common.ShardIdText;
import io.causalkv.node.Dialect;
import io.causalkv.node.Node;
import io.causalkv.node.ShardRequestRejected;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

/**
 * {@code /kvs/shards} and {@code /kvs/shards/<id>} of the {@code kvs-keys} dialect (API.md 8.4):
 * shard ids are JSON strings here; a shard's key count is asked of a member when needed.
 */
@Path("kvs/shards")
public final class KvsShardsResource {

    @Inject
    private Node node;

    @GET
    public Response shards() {
        ObjectNode body = Json.message("Shard membership retrieved successfully");
        ArrayNode shards = body.putArray("shards");
        node.shards().shardIds().forEach(id -> shards.add(Integer.toString(id)));
        return Json.response(200, body);
    }

    @GET
    @Path("{id}")
    public Response shard(@PathParam("id") String id) {
        node.shards().view(); // outside a cluster: 503 first
        int shard = ShardIdText.parse(id).orElseThrow(() -> error(404, "Shard does not exist"));
        try {
            ArrayNode replicas = Json.MAPPER.createArrayNode();
            node.shards().shardMembers(shard).forEach(member -> replicas.add(member.toString()));
            ObjectNode body = Json.message("Shard information retrieved successfully").put("shard-id", Integer.toString(shard));
            body.put("key-count", node.shards().shardKeyCount(shard));
            body.set("replicas", replicas);
            return Json.response(200, body);
        } catch (ShardRequestRejected rejected) {
            throw rejected.reason() == ShardRequestRejected.Reason.SHARD_NOT_FOUND
                    ? error(404, "Shard does not exist")
                    : error(503, "Unable to satisfy request");
        }
    }

    private static ApiException error(int status, String text) {
        return new ApiException(status, ErrorBodies.of(Dialect.KVS_KEYS, text, "GET"));
    }
}
