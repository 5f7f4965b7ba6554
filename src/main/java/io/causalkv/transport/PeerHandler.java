package io.causalkv.transport;

import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.replication.Receipt;
import io.causalkv.replication.StateDelta;
import io.causalkv.replication.Write;
import java.util.List;
import java.util.Optional;

/** The receiving side of the peer protocol, implemented by the node; every transport calls it. */
public interface PeerHandler {

    PingReply onPing(Ping ping);

    /** Takes replicated writes; false when they cannot be taken now (the sender retries). */
    Receipt onReplicate(PeerOperation.Replication replication);

    /** The entries the request's clock does not cover, for anti-entropy and state transfer; empty if no such replica. */
    Optional<StateDelta> onSync(PeerOperation.SyncRequest request);

    /** A node announces itself (API.md 9.6); answers the resulting map. */
    ClusterMap onJoin(NodeAddress joiner);

    /** Keys handed over by a reshard; false when this node does not host {@code shard}. */
    boolean onHandoff(ShardRef shard, List<StateDelta.KeyedEntry> entries);

    /** One step of a reshard coordinated by another node. */
    boolean onReshard(ReshardStep step);

    /** The live key count of this node's ready replica of {@code shard}, or -1. */
    int onKeyCount(ShardRef shard);
}
