package io.causalkv.api.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causalkv.api.common.Json;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.node.Node;
import io.causalkv.node.NodeStatus;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.util.Locale;

/**
 * The JSON the admin page reads: the cluster as this node sees it, in one request. Node states
 * come from this node's failure detector and key counts from the peers' latest heartbeats, so
 * the answer never waits on a slow peer. Under {@code /admin/}, outside every dialect's paths.
 */
@Path("admin/api")
public final class AdminResource {

    @Inject
    private Node node;

    /**
     * {@code {"self","mode","epoch","sharded","view":[...],"shards":[{"id","members":[...],"keys"}],
     * "nodes":[{"address","shard","state","keys","stable"}]}}; {@code keys} is null where unknown;
     * {@code stable}: this node replicates to that one.
     */
    @GET
    @Path("cluster")
    public Response cluster() {
        ObjectNode body = Json.object();
        body.put("mode", node.config().mode().name().toLowerCase(Locale.ROOT));
        if (!node.inCluster()) {
            body.put("keys", node.liveKeyCount());
            return asJson(body);
        }
        ClusterMap map = node.shards().clusterMap();
        node.cluster().ifPresent(c -> body.put("self", c.self().toString()));
        body.put("epoch", map.layout().epoch());
        body.put("sharded", map.layout().sharded());
        ArrayNode view = body.putArray("view");
        map.members().forEach(member -> view.add(member.toString()));
        java.util.List<NodeStatus> statuses = node.shards().nodeStatuses();
        ArrayNode shards = body.putArray("shards");
        for (int shard : map.shardIds()) {
            ObjectNode entry = shards.addObject().put("id", shard);
            ArrayNode members = entry.putArray("members");
            map.shardMembers(shard).forEach(member -> members.add(member.toString()));
            // A shard's count as its members report it: the highest, i.e. the most caught-up member's.
            statuses.stream().filter(s -> s.shard() == shard && s.keys() >= 0 && s.state() != NodeStatus.State.DOWN)
                    .mapToInt(NodeStatus::keys).max()
                    .ifPresentOrElse(keys -> entry.put("keys", keys), () -> entry.putNull("keys"));
        }
        ArrayNode nodes = body.putArray("nodes");
        for (NodeStatus status : statuses) {
            ObjectNode entry = nodes.addObject().put("address", status.address().toString());
            if (status.shard() == ClusterMap.NO_SHARD) {
                entry.putNull("shard");
            } else {
                entry.put("shard", status.shard());
            }
            entry.put("state", status.state().name().toLowerCase(Locale.ROOT));
            entry.put("stable", status.stable());
            if (status.keys() >= 0) {
                entry.put("keys", status.keys());
            } else {
                entry.putNull("keys");
            }
        }
        return asJson(body);
    }

    /** Never sniffed as HTML, whatever an address in it looks like. */
    private static Response asJson(ObjectNode body) {
        return Response.fromResponse(Json.response(200, body)).header("X-Content-Type-Options", "nosniff").build();
    }
}
