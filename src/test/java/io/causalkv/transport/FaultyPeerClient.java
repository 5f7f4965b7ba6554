package io.causalkv.transport;

import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.replication.StateDelta;
import io.causalkv.replication.Write;
import java.util.List;
import java.util.Optional;

/** A {@link PeerClient} that applies {@link NetworkFaults} before each call of another client. */
final class FaultyPeerClient implements PeerClient {

    private final NodeAddress self;
    private final PeerClient delegate;
    private final NetworkFaults faults;
    private final Runnable onClose;

    FaultyPeerClient(NodeAddress self, PeerClient delegate, NetworkFaults faults, Runnable onClose) {
        this.self = self;
        this.delegate = delegate;
        this.faults = faults;
        this.onClose = onClose;
    }

    @Override
    public PingReply ping(NodeAddress to, Ping ping) throws PeerUnreachableException {
        faults.apply(self, to);
        return delegate.ping(to, ping);
    }

    @Override
    public boolean replicate(NodeAddress to, NodeAddress from, ShardRef shard, List<Write> writes) throws PeerUnreachableException {
        faults.apply(self, to);
        return delegate.replicate(to, from, shard, writes);
    }

    @Override
    public Optional<StateDelta> sync(NodeAddress to, NodeAddress from, ShardRef shard, VectorClock since)
            throws PeerUnreachableException {
        faults.apply(self, to);
        return delegate.sync(to, from, shard, since);
    }

    @Override
    public ClusterMap join(NodeAddress to, NodeAddress joiner) throws PeerUnreachableException {
        faults.apply(self, to);
        return delegate.join(to, joiner);
    }

    @Override
    public boolean handoff(NodeAddress to, ShardRef shard, List<StateDelta.KeyedEntry> entries) throws PeerUnreachableException {
        faults.apply(self, to);
        return delegate.handoff(to, shard, entries);
    }

    @Override
    public boolean reshard(NodeAddress to, ReshardStep step) throws PeerUnreachableException {
        faults.apply(self, to);
        return delegate.reshard(to, step);
    }

    @Override
    public int keyCount(NodeAddress to, ShardRef shard) throws PeerUnreachableException {
        faults.apply(self, to);
        return delegate.keyCount(to, shard);
    }

    @Override
    public PeerResponse relay(NodeAddress to, PeerRequest request) throws PeerUnreachableException {
        faults.apply(self, to);
        return delegate.relay(to, request);
    }

    @Override
    public void close() {
        onClose.run();
        delegate.close();
    }
}
