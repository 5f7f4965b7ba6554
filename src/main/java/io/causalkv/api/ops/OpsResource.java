package io.causalkv.api.ops;

import io.causalkv.api.common.Json;
import io.causalkv.node.Node;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

/** Liveness, readiness and metrics for operators and orchestrators; outside every dialect's paths. */
@Path("")
public final class OpsResource {

    @Inject
    private Node node;
    @Inject
    private NodeMetrics metrics;

    /** The process is up and answering. */
    @GET
    @Path("health")
    public Response health() {
        return Json.response(200, Json.object().put("status", "up"));
    }

    /** The node has joined its cluster and fetched its state (API.md 9.6). */
    @GET
    @Path("ready")
    public Response ready() {
        return node.isReady()
                ? Json.response(200, Json.object().put("ready", true))
                : Json.response(503, Json.object().put("ready", false));
    }

    /** Prometheus text format: requests, latency histogram, keys, replication, peers. */
    @GET
    @Path("metrics")
    @Produces("text/plain; version=0.0.4; charset=utf-8")
    public String metrics() {
        return metrics.scrape();
    }
}
