package io.causalkv.transport;

import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.replication.Receipt;
import io.causalkv.replication.StateDelta;
import io.causalkv.replication.Write;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every call from this node to another node goes through here, so the same core runs over real
 * HTTP and over an in-memory network that can partition, delay and drop. Every call is bounded
 * in time and throws {@link PeerUnreachableException} when no answer comes.
 */
public interface PeerClient extends AutoCloseable {

    /**
     * The largest body a node takes on a peer endpoint. Peer messages carry client writes, so
     * they outgrow a client's 1 MiB: this leaves room for a batch of {@link #BATCH_BYTES} plus
     * one more entry of a full client body, and still bounds what a caller can make a node hold.
     */
    int MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    /** Senders (replication, hand-over) close a batch before it grows past this many bytes. */
    long BATCH_BYTES = 4L * 1024 * 1024;

    /**
     * One peer operation (a row of {@link PeerOperation}) with its request, waiting at most
     * {@code timeout} for the answer. Every transport implements this one method, so each
     * operation, and each fault a test injects, goes through the same place.
     */
    <Q, A> A call(NodeAddress to, PeerOperation<Q, A> operation, Q request, Duration timeout)
            throws PeerUnreachableException;

    default PingReply ping(NodeAddress to, Ping ping) throws PeerUnreachableException {
        return call(to, PeerOperation.PING, ping, PeerOperation.PING.timeout());
    }

    /**
     * Replicates writes of {@code shard}; not accepted when the peer cannot take them now (retry
     * later). {@code missed}: writes the peer missed while cut off, to hold unseen until contact is stable.
     */
    default Receipt replicate(NodeAddress to, NodeAddress from, ShardRef shard, List<Write> writes, boolean missed)
            throws PeerUnreachableException {
        return call(to, PeerOperation.REPLICATE, new PeerOperation.Replication(from, shard, writes, missed),
                PeerOperation.REPLICATE.timeout());
    }

    /** The peer's entries of the request's shard that it lacks; empty if the peer holds no such replica. */
    default Optional<StateDelta> sync(NodeAddress to, PeerOperation.SyncRequest request) throws PeerUnreachableException {
        return sync(to, request, PeerOperation.SYNC.timeout());
    }

    /** Like {@link #sync(NodeAddress, PeerOperation.SyncRequest)}, waiting at most {@code timeout}. */
    default Optional<StateDelta> sync(NodeAddress to, PeerOperation.SyncRequest request, Duration timeout)
            throws PeerUnreachableException {
        return call(to, PeerOperation.SYNC, request, timeout);
    }

    default ClusterMap join(NodeAddress to, NodeAddress joiner) throws PeerUnreachableException {
        return call(to, PeerOperation.JOIN, joiner, PeerOperation.JOIN.timeout());
    }

    /** Hands keys over to a member of their shard in a new layout; false when it does not take them. */
    default boolean handoff(NodeAddress to, ShardRef shard, List<StateDelta.KeyedEntry> entries)
            throws PeerUnreachableException {
        return call(to, PeerOperation.HANDOFF, new PeerOperation.Handoff(shard, entries), PeerOperation.HANDOFF.timeout());
    }

    /** One step of a reshard; true when the peer has done it. */
    default boolean reshard(NodeAddress to, ReshardStep step) throws PeerUnreachableException {
        return call(to, PeerOperation.RESHARD, step, PeerOperation.RESHARD.timeout());
    }

    /** The live key count of the peer's replica of {@code shard}, or -1 when it has no ready one. */
    default int keyCount(NodeAddress to, ShardRef shard) throws PeerUnreachableException {
        return call(to, PeerOperation.KEY_COUNT, shard, PeerOperation.KEY_COUNT.timeout());
    }

    /** Relays a client request unchanged (forwarding, proxying) and returns the answer unchanged. */
    PeerResponse relay(NodeAddress to, PeerRequest request) throws PeerUnreachableException;

    @Override
    void close();
}
