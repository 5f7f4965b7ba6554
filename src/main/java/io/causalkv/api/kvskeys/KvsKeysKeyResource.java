package io.causalkv.api.kvskeys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.causalkv.api.common.ClientRequest;
import io.causalkv.api.common.ErrorBodies;
import io.causalkv.api.common.Json;
import io.causalkv.api.common.KeyEndpoint;
import io.causalkv.api.common.KeyResource;
import io.causalkv.causal.CausalContext;
import io.causalkv.keys.KeyRules;
import io.causalkv.node.Dialect;
import io.causalkv.keys.KeyRequestRejected;
import io.causalkv.keys.KeyAnswer;
import io.causalkv.wire.Wire;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Duration;

/**
 * {@code /kvs/keys/<key>} of the {@code kvs-keys} dialect (API.md 8.2, 8.6 to 8.8). Unreplicated
 * mode carries no causal context; replicated mode carries {@code causal-context} in every answer,
 * accepts writes at once whatever their dependencies, and refuses (400) a read its replica cannot
 * satisfy after briefly fetching from its peers. An answer relayed from the owning shard names
 * the node that served it ({@code address}). Bodies are exact: nothing else is added.
 */
@Path("kvs/keys/{key}")
public final class KvsKeysKeyResource extends KeyResource {

    static final String CONTEXT = "causal-context";
    /** How long a replicated read may fetch missing writes from its shard's peers (inside the 5 s of API.md 10.6). */
    static final Duration FETCH_BOUND = Duration.ofMillis(1_500);
    private static final String UNABLE = "Unable to satisfy request";

    public KvsKeysKeyResource() {
        super(Dialect.KVS_KEYS);
    }

    @Override
    protected KeyEndpoint endpoint(String key) {
        return replicated()
                ? new KeyEndpoint(node, CONTEXT, KeyRules.kvsKeys(FETCH_BOUND), this)
                : new KeyEndpoint(node, null, KeyRules.NO_METADATA, this);
    }

    /** Replicated mode: the cluster was given a replication factor (API.md 8.1). */
    private boolean replicated() {
        return node.keysReplicated();
    }

    @Override
    public Response written(KeyAnswer.Served result) {
        boolean created = result.outcome() == KeyAnswer.Outcome.CREATED;
        ObjectNode body = Json.message(created ? "Added successfully" : "Updated successfully").put("replaced", !created);
        return render(created ? 201 : 200, body, result.context());
    }

    @Override
    public Response found(KeyAnswer.Served result) {
        ObjectNode body = Json.object().put("doesExist", true).put("message", "Retrieved successfully");
        body.putRawValue("value", new RawValue(result.value()));
        return render(200, body, result.context());
    }

    @Override
    public Response deleted(KeyAnswer.Served result) {
        return render(200, Json.object().put("doesExist", true).put("message", "Deleted successfully"), result.context());
    }

    @Override
    public Response notFound(KeyAnswer.Served result, String method) {
        ObjectNode body = Json.object().put("doesExist", false);
        body.setAll(ErrorBodies.of(Dialect.KVS_KEYS, "Key does not exist", method));
        return render(404, body, result.context());
    }

    @Override
    public Response rejected(KeyRequestRejected rejected, String method) {
        // Whatever keeps this dialect from finishing, it is "Unable to satisfy request" (API.md 8.2).
        String error = rejected.reason() == KeyRequestRejected.Reason.DEPENDENCIES_UNMET
                || rejected.reason() == KeyRequestRejected.Reason.SHARD_UNAVAILABLE
                ? UNABLE : errorText(rejected.reason());
        return render(rejected.status(), ErrorBodies.of(Dialect.KVS_KEYS, error, method), rejected.context());
    }

    /** The owning node's answer, naming it (API.md 8.7); its own 503s pass unchanged. */
    @Override
    public Response relayed(KeyAnswer.Relayed relayed) {
        if (relayed.response().status() != 503 && relayed.member() != null) {
            try {
                JsonNode body = Json.MAPPER.readTree(relayed.response().body());
                if (body instanceof ObjectNode object) {
                    if (!object.has("address")) { // relayed twice: the first relay named the storage node
                        object.put("address", relayed.member().toString());
                    }
                    return Json.response(relayed.response().status(), object);
                }
            } catch (IOException e) {
                // not JSON: pass it on as it came
            }
        }
        return ClientRequest.relayed(relayed.response());
    }

    private Response render(int status, ObjectNode body, CausalContext context) {
        if (replicated()) {
            body.set(CONTEXT, Wire.context(context));
        }
        return Json.response(status, body);
    }
}
