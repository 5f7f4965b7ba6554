package io.causalkv.transport;

import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.replication.StateDelta;
import io.causalkv.replication.Write;
import java.util.List;

/** The receiving side of the peer protocol, implemented by the node; every transport calls it. */
public interface PeerHandler {

    PingReply onPing(Ping ping);

    /** Takes replicated writes; false when they cannot be taken now (the sender retries). */
    boolean onReplicate(NodeAddress from, List<Write> writes);

    /** The entries {@code since} does not cover, for anti-entropy and state transfer. */
    StateDelta onSync(NodeAddress from, VectorClock since);

    /** A node announces itself (API.md 9.6); answers the resulting map. */
    ClusterMap onJoin(NodeAddress joiner);
}
