package io.causalkv.api.kvs;

import io.causalkv.node.Node;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/**
 * {@code /shard/*} of the {@code kvs} dialect (API.md 6.7). Outside a cluster every path answers
 * 503 (API.md 6.2). Sharding itself is not built yet: in a cluster these paths answer 503 too.
 */
@Path("shard")
public final class KvsShardResource {

    @Inject
    private Node node;

    @GET
    @Path("{query: ids|node-shard-id}")
    public Response shardQuery() {
        throw new Node.NotInClusterException();
    }

    @GET
    @Path("{query: members|key-count}/{id}")
    public Response shardDetail() {
        throw new Node.NotInClusterException();
    }

    @PUT
    @Path("add-member/{id}")
    public Response addMember() {
        throw new Node.NotInClusterException();
    }

    @PUT
    @Path("reshard")
    public Response reshard() {
        throw new Node.NotInClusterException();
    }
}
