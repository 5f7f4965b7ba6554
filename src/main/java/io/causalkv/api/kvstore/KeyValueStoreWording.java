package io.causalkv.api.kvstore;

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
import java.util.stream.Collectors;

/**
 * {@code /key-value-store-view} and {@code /key-value-store-shard/*} (API.md 7.3, 7.4): the
 * "message" family of bodies; the view is one comma-separated string, an existing address is a
 * 404 on PUT, and the reshard refusal has its own fixed body.
 */
public final class KeyValueStoreWording extends ClusterWording {

    private static final Dialect DIALECT = Dialect.KEY_VALUE_STORE;

    public KeyValueStoreWording() {
        super(DIALECT, "key-value-store-view", "key-value-store-shard",
                new ShardPaths("shard-ids", "shard-id-members", "shard-id-key-count"));
    }

    @Override
    protected ObjectNode view(List<NodeAddress> view) {
        String joined = view.stream().map(NodeAddress::toString).collect(Collectors.joining(","));
        return Json.message("View retrieved successfully").put("view", joined);
    }

    @Override
    protected Response added(ViewChange change) {
        if (change == ViewChange.ALREADY_PRESENT) {
            throw error(404, "Socket address already exists in the view", "PUT");
        }
        return Json.response(201, Json.message("Replica added successfully to the view"));
    }

    @Override
    protected Response removed(ViewChange change) {
        if (change == ViewChange.NOT_PRESENT) {
            throw error(404, "Socket address does not exist in the view", "DELETE");
        }
        return Json.response(200, Json.message("Replica deleted successfully from the view"));
    }

    @Override
    protected ObjectNode shardIds(List<Integer> ids) {
        ObjectNode body = Json.message("Shard IDs retrieved successfully");
        ArrayNode array = body.putArray("shard-ids");
        ids.forEach(array::add);
        return body;
    }

    @Override
    protected ObjectNode nodeShardId(Optional<Integer> id) {
        ObjectNode body = Json.message("Shard ID of the node retrieved successfully");
        id.ifPresentOrElse(shard -> body.put("shard-id", shard), () -> body.putNull("shard-id"));
        return body;
    }

    @Override
    protected ObjectNode members(List<NodeAddress> members) {
        ObjectNode body = Json.message("Members of shard ID retrieved successfully");
        ArrayNode array = body.putArray("shard-id-members");
        members.forEach(member -> array.add(member.toString()));
        return body;
    }

    @Override
    protected ObjectNode keyCount(int count) {
        return Json.message("Key count of shard ID retrieved successfully").put("shard-id-key-count", count);
    }

    @Override
    protected ObjectNode memberAdded() {
        return Json.message("Node added to shard successfully");
    }

    @Override
    protected ObjectNode resharded() {
        return Json.message("Resharding done successfully");
    }

    @Override
    protected ApiException refused(ShardRequestRejected.Reason reason, String method) {
        return switch (reason) {
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

    private static ApiException error(int status, String text, String method) {
        return new ApiException(status, ErrorBodies.of(DIALECT, text, method));
    }
}
