package io.causalkv.transport;

import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.replication.StateDelta;
import io.causalkv.replication.Write;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A network in this JVM: peer calls go straight to the target node's {@link PeerHandler}, with
 * the {@link NetworkFaults} applied. A node is reachable while it runs (from connect to close).
 * Client relays (forwarding, proxying) still use real HTTP, with the same faults.
 */
public final class InMemoryNetwork implements PeerTransport {

    private final NetworkFaults faults;
    private final Map<NodeAddress, PeerHandler> nodes = new ConcurrentHashMap<>();

    public InMemoryNetwork(NetworkFaults faults) {
        this.faults = faults;
    }

    @Override
    public PeerClient connect(NodeAddress self, PeerHandler handler, Optional<ClusterToken> token) {
        if (self != null) {
            nodes.put(self, handler);
        }
        PeerClient direct = new Direct(token);
        return new FaultyPeerClient(self, direct, faults, () -> {
            if (self != null) {
                nodes.remove(self, handler);
            }
        });
    }

    private final class Direct implements PeerClient {
        private final HttpPeerClient http;

        Direct(Optional<ClusterToken> token) {
            this.http = new HttpPeerClient(token);
        }

        private PeerHandler target(NodeAddress to) throws PeerUnreachableException {
            PeerHandler handler = nodes.get(to);
            if (handler == null) {
                throw new PeerUnreachableException(to, new IOException("connection refused"));
            }
            return handler;
        }

        @Override
        public PingReply ping(NodeAddress to, Ping ping) throws PeerUnreachableException {
            return call(to, () -> target(to).onPing(ping));
        }

        @Override
        public boolean replicate(NodeAddress to, NodeAddress from, ShardRef shard, List<Write> writes) throws PeerUnreachableException {
            return call(to, () -> target(to).onReplicate(from, shard, List.copyOf(writes)));
        }

        @Override
        public Optional<StateDelta> sync(NodeAddress to, NodeAddress from, ShardRef shard, VectorClock since)
                throws PeerUnreachableException {
            return call(to, () -> target(to).onSync(from, shard, since));
        }

        @Override
        public ClusterMap join(NodeAddress to, NodeAddress joiner) throws PeerUnreachableException {
            return call(to, () -> target(to).onJoin(joiner));
        }

        @Override
        public boolean handoff(NodeAddress to, ShardRef shard, List<StateDelta.KeyedEntry> entries) throws PeerUnreachableException {
            return call(to, () -> target(to).onHandoff(shard, List.copyOf(entries)));
        }

        @Override
        public boolean reshard(NodeAddress to, ReshardStep step) throws PeerUnreachableException {
            return call(to, () -> target(to).onReshard(step));
        }

        @Override
        public int keyCount(NodeAddress to, ShardRef shard) throws PeerUnreachableException {
            return call(to, () -> target(to).onKeyCount(shard));
        }

        @Override
        public PeerResponse relay(NodeAddress to, PeerRequest request) throws PeerUnreachableException {
            return http.relay(to, request);
        }

        @Override
        public void close() {
            http.close();
        }

        private <T> T call(NodeAddress to, Call<T> call) throws PeerUnreachableException {
            try {
                return call.run();
            } catch (RuntimeException e) {
                // A node that is stopping, or not in a cluster, is as good as unreachable.
                throw new PeerUnreachableException(to, e);
            }
        }
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws PeerUnreachableException;
    }
}
