package io.causalkv.api.common;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.node.Dialect;
import io.causalkv.node.ShardRequestRejected;
import io.causalkv.node.ViewChange;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;

/**
 * How a dialect names its view and shard paths and words their answers (API.md 6.6, 6.7, 7.3,
 * 7.4). {@link ClusterPaths} serves them, the same way for every dialect.
 */
public abstract class ClusterWording {

    private final Dialect dialect;
    private final String viewPath;
    private final String shardPath;

    /** The paths under the shard root that differ between dialects. */
    public record ShardPaths(String ids, String members, String keyCount) {
    }

    private final ShardPaths shardPaths;

    protected ClusterWording(Dialect dialect, String viewPath, String shardPath, ShardPaths shardPaths) {
        this.dialect = dialect;
        this.viewPath = viewPath;
        this.shardPath = shardPath;
        this.shardPaths = shardPaths;
    }

    public Dialect dialect() {
        return dialect;
    }

    String viewPath() {
        return viewPath;
    }

    String shardPath() {
        return shardPath;
    }

    ShardPaths shardPaths() {
        return shardPaths;
    }

    protected abstract ObjectNode view(List<NodeAddress> view);

    /** The answer to a PUT on the view (an {@link ApiException} for a refusal). */
    protected abstract Response added(ViewChange change);

    /** The answer to a DELETE on the view (an {@link ApiException} for a refusal). */
    protected abstract Response removed(ViewChange change);

    protected abstract ObjectNode shardIds(List<Integer> ids);

    protected abstract ObjectNode nodeShardId(Optional<Integer> id);

    protected abstract ObjectNode members(List<NodeAddress> members);

    protected abstract ObjectNode keyCount(int count);

    protected abstract ObjectNode memberAdded();

    protected abstract ObjectNode resharded();

    /** A refused shard request; {@code SHARD_NOT_FOUND} also for an id text that names no shard. */
    protected abstract ApiException refused(ShardRequestRejected.Reason reason, String method);
}
