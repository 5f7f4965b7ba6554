package io.causalkv.replication;

import io.causalkv.transport.FaultyHttpTransport;
import io.causalkv.transport.NetworkFaults;
import io.causalkv.transport.PeerTransport;
import java.util.function.Function;

/** The replication behaviour over real HTTP between the nodes, partitions injected in the peer transport. */
class ReplicationOverHttpTest extends ReplicationBehaviourSuite {

    @Override
    protected Function<NetworkFaults, PeerTransport> transport() {
        return FaultyHttpTransport::new;
    }
}
