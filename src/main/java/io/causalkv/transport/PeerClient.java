package io.causalkv.transport;

import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.replication.StateDelta;
import io.causalkv.replication.Write;
import java.util.List;

/**
 * Every call from this node to another node goes through here, so the same core runs over real
 * HTTP and over an in-memory network that can partition, delay and drop. Every call is bounded
 * in time and throws {@link PeerUnreachableException} when no answer comes.
 */
public interface PeerClient extends AutoCloseable {

    PingReply ping(NodeAddress to, Ping ping) throws PeerUnreachableException;

    boolean replicate(NodeAddress to, NodeAddress from, List<Write> writes) throws PeerUnreachableException;

    StateDelta sync(NodeAddress to, NodeAddress from, VectorClock since) throws PeerUnreachableException;

    ClusterMap join(NodeAddress to, NodeAddress joiner) throws PeerUnreachableException;

    /** Relays a client request unchanged (forwarding, proxying) and returns the answer unchanged. */
    PeerResponse relay(NodeAddress to, PeerRequest request) throws PeerUnreachableException;

    @Override
    void close();
}
