package io.causalkv.replication;

import io.causalkv.transport.InMemoryNetwork;
import io.causalkv.transport.NetworkFaults;
import io.causalkv.transport.PeerTransport;
import java.util.function.Function;

/** The replication behaviour over the in-memory network (peer calls without sockets). */
class ReplicationInMemoryTest extends ReplicationBehaviourSuite {

    @Override
    protected Function<NetworkFaults, PeerTransport> transport() {
        return InMemoryNetwork::new;
    }
}
