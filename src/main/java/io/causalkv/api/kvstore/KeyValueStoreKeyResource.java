package io.causalkv.api.kvstore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.causalkv.api.common.ErrorBodies;
import io.causalkv.api.common.Json;
import io.causalkv.api.common.KeyEndpoint;
import io.causalkv.api.common.KeyResource;
import io.causalkv.keys.KeyRules;
import io.causalkv.node.Dialect;
import io.causalkv.keys.KeyAnswer;
import io.causalkv.wire.Wire;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/**
 * {@code /key-value-store/<key>} of the {@code key-value-store} dialect (API.md 7.1, 7.2): the
 * "message" family of bodies, {@code shard-id} in write answers, and requests with unmet
 * dependencies wait for them (bounded by {@code KVS_DEPENDENCY_WAIT_MS}) instead of being refused.
 */
@Path("key-value-store/{key}")
public final class KeyValueStoreKeyResource extends KeyResource {

    static final String METADATA = "causal-metadata";

    public KeyValueStoreKeyResource() {
        super(Dialect.KEY_VALUE_STORE);
    }

    @Override
    protected KeyEndpoint endpoint(String key) {
        return new KeyEndpoint(node, METADATA,
                KeyRules.keyValueStore(node.config().dependencyWait()), this);
    }

    @Override
    public Response written(KeyAnswer.Served result) {
        boolean created = result.outcome() == KeyAnswer.Outcome.CREATED;
        ObjectNode body = Json.object()
                .put("message", created ? "Added successfully" : "Updated successfully")
                .put("replaced", !created);
        body.set(METADATA, Wire.context(result.context()));
        body.put("shard-id", result.shard());
        return Json.response(created ? 201 : 200, body);
    }

    @Override
    public Response found(KeyAnswer.Served result) {
        ObjectNode body = Json.object().put("message", "Retrieved successfully").put("doesExist", true);
        body.putRawValue("value", new RawValue(result.value()));
        body.set(METADATA, Wire.context(result.context()));
        return Json.response(200, body);
    }

    @Override
    public Response deleted(KeyAnswer.Served result) {
        ObjectNode body = Json.object().put("message", "Deleted successfully").put("doesExist", true);
        body.set(METADATA, Wire.context(result.context()));
        body.put("shard-id", result.shard());
        return Json.response(200, body);
    }

    @Override
    public Response notFound(KeyAnswer.Served result, String method) {
        ObjectNode body = Json.object().put("doesExist", false);
        body.setAll(ErrorBodies.of(Dialect.KEY_VALUE_STORE, "Key does not exist", method));
        body.set(METADATA, Wire.context(result.context()));
        return Json.response(404, body);
    }

}
