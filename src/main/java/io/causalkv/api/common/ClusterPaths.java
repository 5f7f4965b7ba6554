package io.causalkv.api.common;

import io.causalkv.cluster.NodeAddress;
import io.causalkv.node.Node;
import io.causalkv.node.ShardRequestRejected;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.function.Function;
import java.util.function.Supplier;
import org.glassfish.jersey.process.Inflector;
import org.glassfish.jersey.server.model.Resource;

/**
 * The view and shard paths of a dialect, served the same way whatever its {@link ClusterWording}:
 * Jersey resources built at start-up, one per dialect, from the wording's paths. Outside a
 * cluster every path answers 503 before its body is read (API.md 6.2).
 */
public final class ClusterPaths {

    private final Node node;
    private final ClusterWording wording;

    private ClusterPaths(Node node, ClusterWording wording) {
        this.node = node;
        this.wording = wording;
    }

    /** {@code /view} and its dialect's equivalent: GET, PUT (add) and DELETE (remove) a node. */
    public static Resource view(Node node, ClusterWording wording) {
        ClusterPaths paths = new ClusterPaths(node, wording);
        Resource.Builder view = Resource.builder(wording.viewPath());
        view.addMethod("GET").handledBy(new Handler(request -> Json.response(200, wording.view(node.shards().view()))));
        view.addMethod("PUT").handledBy(new Handler(request -> wording.added(node.shards().addToView(paths.address(request)))));
        view.addMethod("DELETE").handledBy(new Handler(request ->
                wording.removed(node.shards().removeFromView(paths.address(request)))));
        return view.build();
    }

    /** {@code /shard/*} and its dialect's equivalent (API.md 6.7, 7.4). */
    public static Resource shard(Node node, ClusterWording wording) {
        ClusterPaths paths = new ClusterPaths(node, wording);
        ClusterWording.ShardPaths names = wording.shardPaths();
        Resource.Builder shard = Resource.builder(wording.shardPath());
        get(shard, names.ids(), request -> Json.response(200, wording.shardIds(node.shards().shardIds())));
        get(shard, "node-shard-id", request -> Json.response(200, wording.nodeShardId(node.shards().nodeShardId())));
        get(shard, names.members() + "/{id}", request -> {
            int id = paths.shardId(request);
            return Json.response(200, wording.members(paths.run(request, () -> node.shards().shardMembers(id))));
        });
        get(shard, names.keyCount() + "/{id}", request -> {
            int id = paths.shardId(request);
            return Json.response(200, wording.keyCount(paths.run(request, () -> node.shards().shardKeyCount(id))));
        });
        put(shard, "add-member/{id}", request -> {
            int id = paths.shardId(request);
            NodeAddress member = paths.address(request);
            paths.change(request, () -> node.shards().addShardMember(id, member));
            return Json.response(200, wording.memberAdded());
        });
        put(shard, "reshard", request -> {
            node.shards(); // outside a cluster: 503 before the body is looked at
            int count = ShardCountField.require(RequestBody.read(request.getEntityStream()), wording.dialect(), "PUT");
            paths.change(request, () -> node.shards().reshard(count));
            return Json.response(200, wording.resharded());
        });
        return shard.build();
    }

    private static void get(Resource.Builder parent, String path, Function<ContainerRequestContext, Response> handler) {
        parent.addChildResource(path).addMethod("GET").handledBy(new Handler(handler));
    }

    private static void put(Resource.Builder parent, String path, Function<ContainerRequestContext, Response> handler) {
        parent.addChildResource(path).addMethod("PUT").handledBy(new Handler(handler));
    }

    /**
     * A handler of the request itself. Jersey finds an inflector's input type from its class's
     * type arguments: a lambda has none, and Jersey would read the body as the input instead.
     */
    private static final class Handler implements Inflector<ContainerRequestContext, Response> {

        private final Function<ContainerRequestContext, Response> handle;

        Handler(Function<ContainerRequestContext, Response> handle) {
            this.handle = handle;
        }

        @Override
        public Response apply(ContainerRequestContext request) {
            return handle.apply(request);
        }
    }

    /** The node named by the body's {@code socket-address}; outside a cluster, 503 before the body is read. */
    private NodeAddress address(ContainerRequestContext request) {
        node.shards();
        return SocketAddressField.require(RequestBody.read(request.getEntityStream()), wording.dialect(), request.getMethod());
    }

    /** The shard of the path; a text that names no shard answers as a shard that does not exist. */
    private int shardId(ContainerRequestContext request) {
        node.shards(); // outside a cluster: 503 first
        return ShardIdText.parse(request.getUriInfo().getPathParameters().getFirst("id"))
                .orElseThrow(() -> wording.refused(ShardRequestRejected.Reason.SHARD_NOT_FOUND, request.getMethod()));
    }

    private <T> T run(ContainerRequestContext request, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (ShardRequestRejected rejected) {
            throw wording.refused(rejected.reason(), request.getMethod());
        }
    }

    /** A change with nothing to return, refused in the dialect's words. */
    private void change(ContainerRequestContext request, Runnable operation) {
        run(request, () -> {
            operation.run();
            return null;
        });
    }
}
