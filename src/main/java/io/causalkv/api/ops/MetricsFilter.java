package io.causalkv.api.ops;

import io.causalkv.api.common.DialectPaths;
import io.causalkv.node.Node;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;

/**
 * Times every request the application answers (answers decided by filters and exception
 * mappers included) and records it by dialect, method and status.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION - 500) // before the request guard, which may answer at once
public final class MetricsFilter implements ContainerRequestFilter, ContainerResponseFilter {

    private static final String STARTED = MetricsFilter.class.getName() + ".started";

    @Inject
    private Node node;
    @Inject
    private NodeMetrics metrics;

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(STARTED, System.nanoTime());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        Object started = request.getProperty(STARTED);
        if (started instanceof Long since) {
            metrics.request(family(request.getUriInfo().getPath(false)), NodeMetrics.methodTag(request.getMethod()),
                    response.getStatus(), System.nanoTime() - since);
        }
    }

    /** The dialect of a path, or the product's own families; a bounded set of tag values. */
    private String family(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        return DialectPaths.dialectOf(trimmed, node.config().dialects()).map(d -> d.wireName()).orElseGet(() -> {
            String first = trimmed.split("/", 2)[0];
            return switch (first) {
                case "internal", "admin", "health", "ready", "metrics" -> first;
                default -> "other";
            };
        });
    }
}
