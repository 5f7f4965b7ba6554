package io.causalkv.api.kvskeys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causalkv.api.common.ApiException;
import io.causalkv.api.common.ClientRequest;
import io.causalkv.api.common.ErrorBodies;
import io.causalkv.api.common.Json;
import io.causalkv.api.common.RequestBody;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.node.Dialect;
import io.causalkv.keys.KeyRequestRejected;
import io.causalkv.node.Node;
import io.causalkv.node.ShardOperations;
import io.causalkv.node.ShardRequestRejected;
import io.causalkv.node.ShardSummary;
import jakarta.inject.Inject;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code PUT /kvs/view-change} of the {@code kvs-keys} dialect (API.md 8.5): synchronous; it
 * answers once every key has moved, with the final count of every shard of the new layout.
 */
@Path("kvs/view-change")
public final class KvsViewChangeResource {

    @Inject
    private Node node;
    @Context
    private ContainerRequestContext request;

    @PUT
    public Response change() {
        node.shards().view(); // outside a cluster: 503 before the body is looked at
        RequestBody body = RequestBody.read(request.getEntityStream());
        if (body.isMalformed()) {
            throw error(400, ErrorBodies.MALFORMED_BODY);
        }
        List<NodeAddress> view = view(body.field("view").orElse(null));
        Optional<Integer> replFactor = replFactor(body.field("repl-factor").orElse(null));
        int factor = replFactor.orElse(node.shards().clusterMap().layout().replFactor());
        if (factor > 0 && view.size() % factor != 0) {
            throw error(400, "View size is not a multiple of repl-factor");
        }
        ShardOperations.ViewChangeResult result;
        try {
            result = node.shards().changeView(view, replFactor, ClientRequest.of(request, body));
        } catch (ShardRequestRejected | KeyRequestRejected unavailable) {
            throw error(503, "Unable to satisfy request");
        }
        if (result.relayed() != null) {
            return ClientRequest.relayed(result.relayed());
        }
        ObjectNode answer = Json.message("View change successful");
        ArrayNode shards = answer.putArray("shards");
        for (ShardSummary shard : result.shards()) {
            if (factor == 0) {
                // Unreplicated: every node is its own shard; one entry per node, in view order.
                shards.addObject().put("address", shard.replicas().get(0).toString()).put("key-count", shard.keys());
            } else {
                ObjectNode entry = shards.addObject().put("shard-id", Integer.toString(shard.shard())).put("key-count", shard.keys());
                ArrayNode replicas = entry.putArray("replicas");
                shard.replicas().forEach(replica -> replicas.add(replica.toString()));
            }
        }
        return Json.response(200, answer);
    }

    /** A comma-separated string, or an array of addresses; each a valid address, none twice. */
    private static List<NodeAddress> view(JsonNode field) {
        List<String> entries = new ArrayList<>();
        if (field != null && field.isTextual()) {
            for (String entry : field.asText().split(",")) {
                if (!entry.isBlank()) {
                    entries.add(entry.strip());
                }
            }
        } else if (field != null && field.isArray()) {
            for (JsonNode entry : field) {
                if (!entry.isTextual()) {
                    throw error(400, "Invalid view");
                }
                entries.add(entry.asText().strip());
            }
        }
        Set<NodeAddress> view = new LinkedHashSet<>();
        for (String entry : entries) {
            NodeAddress address = NodeAddress.tryParse(entry);
            if (address == null || !view.add(address)) {
                throw error(400, "Invalid view");
            }
        }
        if (view.isEmpty()) {
            throw error(400, "Invalid view");
        }
        return List.copyOf(view);
    }

    private static Optional<Integer> replFactor(JsonNode field) {
        if (field == null || field.isNull()) {
            return Optional.empty();
        }
        if (!field.isIntegralNumber() || !field.canConvertToInt() || field.intValue() < 1) {
            throw error(400, "Invalid repl-factor");
        }
        return Optional.of(field.intValue());
    }

    private static ApiException error(int status, String text) {
        return new ApiException(status, ErrorBodies.of(Dialect.KVS_KEYS, text, "PUT"));
    }
}
