package io.causalkv.transport;

import io.causalkv.cluster.ClusterIdentity;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.replication.ShardStatus;

/**
 * A heartbeat; it carries the sender's cluster map, so membership spreads with every probe, and
 * the state of its replica, so the receiver need not probe back to learn it, and which cluster
 * the sender belongs to ({@link ClusterIdentity}).
 *
 * <p>{@code map} is null when the sender knows the receiver has its map already: the ping then
 * carries only the map's {@link ClusterMap#digest() digest} (an idle cluster's map does not
 * change, and encoding and merging it was most of a heartbeat's own work). {@code mapDigest} is 0
 * from a sender that does not send digests.
 */
public record Ping(NodeAddress from, ClusterMap map, ShardStatus status, ClusterIdentity.Id cluster, long mapDigest) {

    public Ping {
        if (map == null && mapDigest == 0) {
            throw new IllegalArgumentException("a ping carries its map or the map's digest");
        }
    }

    public Ping(NodeAddress from, ClusterMap map, ShardStatus status, ClusterIdentity.Id cluster) {
        this(from, map, status, cluster, map.digest());
    }

    public Ping(NodeAddress from, ClusterMap map) {
        this(from, map, ShardStatus.NONE);
    }

    public Ping(NodeAddress from, ClusterMap map, ShardStatus status) {
        this(from, map, status, ClusterIdentity.Id.UNKNOWN);
    }

    /** A ping with the digest of the sender's map instead of the map, which the receiver has. */
    public static Ping withDigest(NodeAddress from, long mapDigest, ShardStatus status, ClusterIdentity.Id cluster) {
        return new Ping(from, null, status, cluster, mapDigest);
    }
}
