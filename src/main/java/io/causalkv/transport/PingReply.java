package io.causalkv.transport;

import io.causalkv.cluster.ClusterIdentity;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.replication.ShardStatus;

/**
 * The answer to a heartbeat: the peer's map and the state of its replica (for anti-entropy and
 * the admin page), and its cluster ({@link ClusterIdentity}). {@code map} is null when it equals
 * the map of the ping (which carried only its digest): the answer then carries that digest.
 * {@code mapDigest} is 0 from a peer that does not send digests.
 */
public record PingReply(ClusterMap map, ShardStatus status, ClusterIdentity.Id cluster, long mapDigest) {

    public PingReply {
        if (map == null && mapDigest == 0) {
            throw new IllegalArgumentException("an answer carries its map or the map's digest");
        }
    }

    public PingReply(ClusterMap map, ShardStatus status, ClusterIdentity.Id cluster) {
        this(map, status, cluster, map.digest());
    }

    public PingReply(ClusterMap map, ShardStatus status) {
        this(map, status, ClusterIdentity.Id.UNKNOWN);
    }

    /** The answer to a digest-only ping from a peer whose map equals this node's. */
    public static PingReply sameMap(long mapDigest, ShardStatus status, ClusterIdentity.Id cluster) {
        return new PingReply(null, status, cluster, mapDigest);
    }

    /** The peer's map: its own, or {@code sent} when it said it holds the same one. */
    public ClusterMap mapOr(ClusterMap sent) {
        return map != null ? map : sent;
    }
}
