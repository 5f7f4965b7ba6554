package io.causalkv.api.common;

import io.causalkv.keys.KeyAnswer;
import io.causalkv.keys.KeyRequest;
import io.causalkv.keys.KeyRequestRejected;
import io.causalkv.keys.KeyRules;
import io.causalkv.node.Node;
import io.causalkv.transport.PeerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/**
 * The HTTP side of the key path every dialect shares: read the body, put the request to the
 * node's key path for the dialect's {@link KeyRules} with the dialect's metadata field, and hand
 * the answer (or the refusal) to the dialect's {@link Renderer}. A dialect is its metadata field,
 * its rules and its renderer.
 */
public final class KeyEndpoint {

    /** How one dialect words each outcome. */
    public interface Renderer {

        /** 201 for CREATED, 200 for REPLACED. */
        Response written(KeyAnswer.Served served);

        Response found(KeyAnswer.Served served);

        Response deleted(KeyAnswer.Served served);

        Response notFound(KeyAnswer.Served served, String method);

        Response rejected(KeyRequestRejected rejected, String method);

        /** Another node's answer (the owning shard's, or the main instance's). */
        default Response relayed(KeyAnswer.Relayed relayed) {
            return ClientRequest.relayed(relayed.response());
        }
    }

    private final Node node;
    private final String metadataField;
    private final KeyRules rules;
    private final Renderer renderer;

    /** {@code metadataField}: null for a dialect that carries no metadata here (it is then not read). */
    public KeyEndpoint(Node node, String metadataField, KeyRules rules, Renderer renderer) {
        this.node = node;
        this.metadataField = metadataField;
        this.rules = rules;
        this.renderer = renderer;
    }

    public Response handle(KeyRequest.Op op, String key, ContainerRequestContext request) {
        RequestBody body = RequestBody.read(request.getEntityStream());
        return handle(op, key, request.getMethod(), body, ClientRequest.of(request, body));
    }

    /**
     * The same for a request read outside Jersey ({@code KeyPathFilter}): its method, its body, and
     * the request as received, for relaying.
     */
    public Response handle(KeyRequest.Op op, String key, String method, RequestBody body, PeerRequest asReceived) {
        // A malformed body counts as a missing value (API.md 4.1).
        Optional<String> value = op == KeyRequest.Op.PUT ? body.field("value").map(Json::compact) : Optional.empty();
        KeyRequest keyRequest = KeyRequest.of(op, key, value, body.isMalformed(), MetadataField.of(body, metadataField),
                asReceived);
        try {
            return render(node.keys(rules).answer(keyRequest), method);
        } catch (KeyRequestRejected rejected) {
            return renderer.rejected(rejected, method);
        }
    }

    private Response render(KeyAnswer answer, String method) {
        if (answer instanceof KeyAnswer.Relayed relayed) {
            return renderer.relayed(relayed);
        }
        KeyAnswer.Served served = (KeyAnswer.Served) answer;
        return switch (served.outcome()) {
            case CREATED, REPLACED -> renderer.written(served);
            case FOUND -> renderer.found(served);
            case DELETED -> renderer.deleted(served);
            case NOT_FOUND -> renderer.notFound(served, method);
        };
    }
}
