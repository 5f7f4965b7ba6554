package io.causalkv.api.kvskeys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causalkv.api.common.Json;
import io.causalkv.node.Node;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /kvs/key-count} of the {@code kvs-keys} dialect (API.md 8.3): the live keys this node
 * stores and its shard id, as a string (null and 0 on an idle node). The body is ignored. A full
 * literal path, so that it wins over the {@code kvs} key path {@code /kvs/<key>}.
 */
@Path("kvs/key-count")
public final class KvsKeyCountResource {

    @Inject
    private Node node;

    @GET
    public Response keyCount() {
        ObjectNode body = Json.message("Key count retrieved successfully").put("key-count", node.liveKeyCount());
        node.shards().nodeShardId().ifPresentOrElse(id -> body.put("shard-id", Integer.toString(id)), () -> body.putNull("shard-id"));
        return Json.response(200, body);
    }
}
