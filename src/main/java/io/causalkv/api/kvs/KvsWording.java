package io.causalkv.api.kvs;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causalkv.api.common.ApiException;
import io.causalkv.api.common.ClusterWording;
import io.causalkv.api.common.ErrorBodies;
import io.causalkv.api.common.Json;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.node.Dialect;
import io.causalkv.node.ShardRequestRejected;
import io.causalkv.node.ViewChange;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;

/** {@code /view} and {@code /shard/*} of the {@code kvs} dialect (API.md 6.6, 6.7): shard ids are JSON integers. */
public final class KvsWording extends ClusterWording {

    public KvsWording() {
        super(Dialect.KVS, "view", "shard", new ShardPaths("ids", "members", "key-count"));
    }

    @Override
    protected ObjectNode view(List<NodeAddress> view) {
        return addresses("view", view);
    }

    @Override
    protected Response added(ViewChange change) {
        return change == ViewChange.ADDED
                ? Json.response(201, Json.object().put("result", "added"))
                : Json.response(200, Json.object().put("result", "already present"));
    }

    @Override
    protected Response removed(ViewChange change) {
        return change == ViewChange.DELETED
                ? Json.response(200, Json.object().put("result", "deleted"))
                : Json.response(404, Json.object().put("error", "View has no such replica"));
    }

    @Override
    protected ObjectNode shardIds(List<Integer> ids) {
        ObjectNode body = Json.object();
        ArrayNode array = body.putArray("shard-ids");
        ids.forEach(array::add);
        return body;
    }

    @Override
    protected ObjectNode nodeShardId(Optional<Integer> id) {
        ObjectNode body = Json.object();
        id.ifPresentOrElse(shard -> body.put("node-shard-id", shard), () -> body.putNull("node-shard-id"));
        return body;
    }

    @Override
    protected ObjectNode members(List<NodeAddress> members) {
        return addresses("shard-members", members);
    }

    @Override
    protected ObjectNode keyCount(int count) {
        return Json.object().put("shard-key-count", count);
    }

    @Override
    protected ObjectNode memberAdded() {
        return Json.object().put("result", "node added to shard");
    }

    @Override
    protected ObjectNode resharded() {
        return Json.object().put("result", "resharded");
    }

    private static ObjectNode addresses(String field, List<NodeAddress> addresses) {
        ObjectNode body = Json.object();
        ArrayNode array = body.putArray(field);
        addresses.forEach(address -> array.add(address.toString()));
        return body;
    }

    @Override
    protected ApiException refused(ShardRequestRejected.Reason reason, String method) {
        return switch (reason) {
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
