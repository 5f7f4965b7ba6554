package io.causalkv.api.common;

import io.causalkv.node.KeyRequestRejected;
import io.causalkv.node.KeyResult;
import io.causalkv.node.Node;
import io.causalkv.node.NodeMode;
import io.causalkv.transport.PeerUnreachableException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import io.causalkv.node.DependencyPolicy;
import java.util.Optional;

/**
 * The request path every key dialect shares: read the body, relay it in forwarding mode, call
 * the node with the dialect's metadata field, return another shard's answer unchanged, and hand
 * the outcome to the dialect's {@link Renderer}. A dialect differs only in its renderer, its
 * metadata field and how long it lets a request wait for causal dependencies.
 */
public final class KeyEndpoint {

    /** How one dialect words each outcome. */
    public interface Renderer {

        /** 201 for CREATED, 200 for REPLACED. */
        Response written(KeyResult result);

        Response found(KeyResult result);

        Response deleted(KeyResult result);

        Response notFound(KeyResult result, String method);

        Response rejected(KeyRequestRejected rejected, String method);

        /** Forwarding mode, main instance unreachable (API.md 6.2). */
        Response mainInstanceDown(String method);

        /** The owning node's answer to a relayed request. */
        default Response relayed(KeyResult result) {
            return ClientRequest.relayed(result.relayed());
        }
    }

    private final Node node;
    private final String metadataField;
    private final DependencyPolicy dependencies;
    private final Renderer renderer;

    public KeyEndpoint(Node node, String metadataField, DependencyPolicy dependencies, Renderer renderer) {
        this.node = node;
        this.metadataField = metadataField;
        this.dependencies = dependencies;
        this.renderer = renderer;
    }

    public Response put(String key, ContainerRequestContext request) {
        RequestBody body = RequestBody.read(request.getEntityStream());
        if (node.mode() == NodeMode.FORWARDING) {
            return forward(request, body);
        }
        // A malformed body counts as a missing value (API.md 4.1).
        Optional<String> value = body.field("value").map(Json::compact);
        try {
            KeyResult result = node.put(key, value, MetadataField.of(body, metadataField), ClientRequest.of(request, body),
                    dependencies);
            return result.relayed() != null ? renderer.relayed(result) : renderer.written(result);
        } catch (KeyRequestRejected rejected) {
            return renderer.rejected(rejected, "PUT");
        }
    }

    public Response get(String key, ContainerRequestContext request) {
        RequestBody body = readNonWriteBody(request);
        if (node.mode() == NodeMode.FORWARDING) {
            return forward(request, body);
        }
        try {
            KeyResult result = node.get(key, MetadataField.of(body, metadataField), ClientRequest.of(request, body),
                    dependencies);
            if (result.relayed() != null) {
                return renderer.relayed(result);
            }
            return result.outcome() == KeyResult.Outcome.FOUND ? renderer.found(result) : renderer.notFound(result, "GET");
        } catch (KeyRequestRejected rejected) {
            return renderer.rejected(rejected, "GET");
        }
    }

    public Response delete(String key, ContainerRequestContext request) {
        RequestBody body = readNonWriteBody(request);
        if (node.mode() == NodeMode.FORWARDING) {
            return forward(request, body);
        }
        try {
            KeyResult result = node.delete(key, MetadataField.of(body, metadataField), ClientRequest.of(request, body),
                    dependencies);
            if (result.relayed() != null) {
                return renderer.relayed(result);
            }
            return result.outcome() == KeyResult.Outcome.DELETED ? renderer.deleted(result) : renderer.notFound(result, "DELETE");
        } catch (KeyRequestRejected rejected) {
            return renderer.rejected(rejected, "DELETE");
        }
    }

    private RequestBody readNonWriteBody(ContainerRequestContext request) {
        RequestBody body = RequestBody.read(request.getEntityStream());
        // Forwarding leaves validation to the main instance (API.md 6.2).
        if (body.isMalformed() && node.mode() != NodeMode.FORWARDING) {
            throw new ApiException(400, ErrorBodies.onPath(node, request.getUriInfo().getPath(false), ErrorBodies.MALFORMED_BODY,
                    request.getMethod()));
        }
        return body;
    }

    private Response forward(ContainerRequestContext request, RequestBody body) {
        try {
            return ClientRequest.relayed(node.forward(request.getMethod(), "/" + request.getUriInfo().getPath(false), body.raw()));
        } catch (PeerUnreachableException e) {
            return renderer.mainInstanceDown(request.getMethod());
        }
    }
}
