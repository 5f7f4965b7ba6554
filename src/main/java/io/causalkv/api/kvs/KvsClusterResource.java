package io.causalkv.api.kvs;

import io.causalkv.api.common.ErrorBodies;
import io.causalkv.api.common.Json;
import io.causalkv.node.Dialect;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

/**
 * {@code /view} and {@code /shard/*} of the {@code kvs} dialect. Outside a cluster (standalone
 * and forwarding modes) every one of them answers 503 (API.md 6.2).
 */
@Path("")
public final class KvsClusterResource {

    @Context
    private Request request;

    @GET
    @Path("view")
    public Response getView() {
        return notInCluster();
    }

    @PUT
    @Path("view")
    public Response putView() {
        return notInCluster();
    }

    @DELETE
    @Path("view")
    public Response deleteView() {
        return notInCluster();
    }

    @GET
    @Path("shard/{query: ids|node-shard-id}")
    public Response shardQuery() {
        return notInCluster();
    }

    @GET
    @Path("shard/{query: members|key-count}/{id}")
    public Response shardDetail() {
        return notInCluster();
    }

    @PUT
    @Path("shard/add-member/{id}")
    public Response addMember() {
        return notInCluster();
    }

    @PUT
    @Path("shard/reshard")
    public Response reshard() {
        return notInCluster();
    }

    private Response notInCluster() {
        return Json.response(503, ErrorBodies.of(Dialect.KVS, "Node is not part of a cluster", request.getMethod()));
    }
}
