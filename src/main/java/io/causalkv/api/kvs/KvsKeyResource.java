package io.causalkv.api.kvs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.causalkv.api.common.DialectPaths;
import io.causalkv.api.common.Json;
import io.causalkv.api.common.KeyEndpoint;
import io.causalkv.api.common.KeyResource;
import io.causalkv.causal.CausalContext;
import io.causalkv.keys.KeyRules;
import io.causalkv.node.Dialect;
import io.causalkv.keys.KeyAnswer;
import io.causalkv.wire.Wire;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/**
 * {@code /kvs/<key>} of the {@code kvs} dialect (API.md 6.1 to 6.4): its words for each outcome.
 * In a cluster every answer carries {@code causal-metadata}; a standalone node's answers do not.
 * Unmet dependencies are refused at once (6.4).
 */
@Path("kvs/{key}")
public final class KvsKeyResource extends KeyResource {

    static final String METADATA = "causal-metadata";

    public KvsKeyResource() {
        super(Dialect.KVS);
    }

    @Override
    protected String valueMissing() {
        return "PUT request does not specify a value";
    }

    @Override
    protected KeyEndpoint endpoint(String key) {
        if (DialectPaths.KVS_KEYS_NAMES.contains(key) && node.config().serves(Dialect.KVS_KEYS)) {
            // With kvs-keys on, these names are its paths for every method, never kvs keys (API.md 3).
            String allowed = key.equals("view-change") ? "PUT" : "GET";
            // Routing matched the key template because the kvs-keys path has no such method.
            throw new jakarta.ws.rs.NotAllowedException(allowed);
        }
        // Standalone, this dialect accepts and ignores causal-metadata (API.md 6.1).
        return new KeyEndpoint(node, node.inCluster() ? METADATA : null, KeyRules.KVS, this);
    }

    @Override
    public Response written(KeyAnswer.Served result) {
        boolean created = result.outcome() == KeyAnswer.Outcome.CREATED;
        return render(created ? 201 : 200, Json.object().put("result", created ? "created" : "replaced"), result.context());
    }

    @Override
    public Response found(KeyAnswer.Served result) {
        ObjectNode found = Json.object().put("result", "found");
        found.putRawValue("value", new RawValue(result.value()));
        return render(200, found, result.context());
    }

    @Override
    public Response deleted(KeyAnswer.Served result) {
        return render(200, Json.object().put("result", "deleted"), result.context());
    }

    @Override
    public Response notFound(KeyAnswer.Served result, String method) {
        return render(404, Json.object().put("error", "Key does not exist"), result.context());
    }

    private Response render(int status, ObjectNode body, CausalContext context) {
        if (node.inCluster()) {
            body.set(METADATA, Wire.context(context));
        }
        return Json.response(status, body);
    }
}
