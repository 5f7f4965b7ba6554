package io.causalkv.replication;

import io.causalkv.cluster.NodeAddress;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerOperation;
import io.causalkv.transport.PeerRequest;
import io.causalkv.transport.PeerResponse;
import java.time.Duration;

/** A peer client for tests of what a replica decides from reports alone: any call fails the test. */
final class NoPeerCalls implements PeerClient {

    @Override
    public <Q, R> R call(NodeAddress to, PeerOperation<Q, R> operation, Q request, Duration timeout) {
        throw new AssertionError("no peer call expected, got " + operation);
    }

    @Override
    public PeerResponse relay(NodeAddress to, PeerRequest request) {
        throw new AssertionError("no relay expected");
    }

    @Override
    public void close() {
    }
}
