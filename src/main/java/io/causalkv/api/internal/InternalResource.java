package io.causalkv.api.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causalkv.api.common.ApiException;
import io.causalkv.api.common.Json;
import io.causalkv.api.common.RequestBody;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.node.Node;
import io.causalkv.replication.Write;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.Ping;
import io.causalkv.transport.PingReply;
import io.causalkv.transport.ReshardStep;
import io.causalkv.wire.Wire;
import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The peer-to-peer endpoints, under {@code /internal/} (outside every dialect's paths): the
 * HTTP face of {@link io.causalkv.transport.PeerHandler}. Registered only on cluster nodes;
 * {@link PeerGuardFilter} decides who may call it.
 */
@Path("internal")
@PeerEndpoint
public final class InternalResource {

    @Inject
    private Node node;
    @Context
    private ContainerRequestContext request;

    @POST
    @Path("ping")
    public Response ping() {
        return handle(body -> {
            PingReply reply = node.onPing(new Ping(NodeAddress.parse(body.get("from").asText()), Wire.decodeMap(body.get("map"))));
            ObjectNode out = Json.object();
            out.set("map", Wire.map(reply.map()));
            out.set("status", Wire.shardStatus(reply.status()));
            return out;
        });
    }

    @POST
    @Path("replicate")
    public Response replicate() {
        return handle(body -> {
            List<Write> writes = new ArrayList<>();
            body.get("writes").forEach(w -> writes.add(Wire.decodeWrite(w)));
            return Json.object().put("accepted", node.onReplicate(NodeAddress.parse(body.get("from").asText()),
                    Wire.decodeShardRef(body.get("shard")), writes));
        });
    }

    @POST
    @Path("sync")
    public Response sync() {
        return handle(body -> node.onSync(NodeAddress.parse(body.get("from").asText()),
                        Wire.decodeShardRef(body.get("shard")), Wire.decodeClock(body.get("since")))
                .map(Wire::delta)
                .orElseGet(Json::object));
    }

    @POST
    @Path("join")
    public Response join() {
        return handle(body -> {
            ObjectNode out = Json.object();
            out.set("map", Wire.map(node.onJoin(NodeAddress.parse(body.get("address").asText()))));
            return out;
        });
    }

    @POST
    @Path("handoff")
    public Response handoff() {
        return handle(body -> Json.object().put("accepted",
                node.onHandoff(Wire.decodeShardRef(body.get("shard")), Wire.decodeEntries(body.get("entries")))));
    }

    @POST
    @Path("reshard")
    public Response reshard() {
        return handle(body -> {
            List<NodeAddress> participants = new ArrayList<>();
            body.path("participants").forEach(a -> participants.add(NodeAddress.parse(a.asText())));
            return Json.object().put("done", node.onReshard(new ReshardStep(
                    ReshardStep.Phase.valueOf(body.path("phase").asText()), Wire.decodeMap(body.get("map")), participants)));
        });
    }

    @POST
    @Path("key-count")
    public Response keyCount() {
        return handle(body -> Json.object().put("count", node.onKeyCount(Wire.decodeShardRef(body.get("shard")))));
    }

    private Response handle(Function<JsonNode, ObjectNode> handler) {
        RequestBody body = RequestBody.read(request.getEntityStream(), PeerClient.MAX_MESSAGE_BYTES);
        JsonNode json = body.object().orElseThrow(() -> badRequest("Malformed JSON body"));
        ObjectNode answer;
        try {
            answer = handler.apply(json);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw badRequest("Malformed peer message");
        }
        return Json.response(200, answer);
    }

    private static ApiException badRequest(String error) {
        return new ApiException(400, Json.object().put("error", error));
    }
}
