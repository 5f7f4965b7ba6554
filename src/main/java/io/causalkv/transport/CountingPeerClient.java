package io.causalkv.transport;

import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.replication.StateDelta;
import io.causalkv.replication.Write;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what this node sends to its peers, by kind of call, and the writes its replication
 * batches carry: writes per batch is what tells whether replication costs a peer request per
 * write (it must not; see docs/PERFORMANCE.md). Wraps whichever transport the node uses.
 */
public final class CountingPeerClient implements PeerClient {

    /** The kinds of peer call. */
    public enum Call { PING, REPLICATE, SYNC, JOIN, HANDOFF, RESHARD, KEY_COUNT, RELAY }

    private final PeerClient inner;
    private final Map<Call, LongAdder> calls = new EnumMap<>(Call.class);
    private final LongAdder replicatedWrites = new LongAdder();
    private final LongAdder handedOverEntries = new LongAdder();

    public CountingPeerClient(PeerClient inner) {
        this.inner = inner;
        for (Call call : Call.values()) {
            calls.put(call, new LongAdder());
        }
    }

    /** Calls of this kind made so far, answered or not. */
    public long calls(Call call) {
        return calls.get(call).sum();
    }

    /** Writes sent in replication batches so far (a write sent to two peers counts twice). */
    public long replicatedWrites() {
        return replicatedWrites.sum();
    }

    /** Entries sent in reshard hand-overs so far (an entry sent to two members counts twice). */
    public long handedOverEntries() {
        return handedOverEntries.sum();
    }

    private void count(Call call) {
        calls.get(call).increment();
    }

    @Override
    public PingReply ping(NodeAddress to, Ping ping) throws PeerUnreachableException {
        count(Call.PING);
        return inner.ping(to, ping);
    }

    @Override
    public boolean replicate(NodeAddress to, NodeAddress from, ShardRef shard, List<Write> writes)
            throws PeerUnreachableException {
        count(Call.REPLICATE);
        replicatedWrites.add(writes.size());
        return inner.replicate(to, from, shard, writes);
    }

    @Override
    public Optional<StateDelta> sync(NodeAddress to, NodeAddress from, ShardRef shard, VectorClock since)
            throws PeerUnreachableException {
        count(Call.SYNC);
        return inner.sync(to, from, shard, since);
    }

    @Override
    public Optional<StateDelta> sync(NodeAddress to, NodeAddress from, ShardRef shard, VectorClock since, Duration timeout)
            throws PeerUnreachableException {
        count(Call.SYNC);
        return inner.sync(to, from, shard, since, timeout);
    }

    @Override
    public ClusterMap join(NodeAddress to, NodeAddress joiner) throws PeerUnreachableException {
        count(Call.JOIN);
        return inner.join(to, joiner);
    }

    @Override
    public boolean handoff(NodeAddress to, ShardRef shard, List<StateDelta.KeyedEntry> entries) throws PeerUnreachableException {
        count(Call.HANDOFF);
        handedOverEntries.add(entries.size());
        return inner.handoff(to, shard, entries);
    }

    @Override
    public boolean reshard(NodeAddress to, ReshardStep step) throws PeerUnreachableException {
        count(Call.RESHARD);
        return inner.reshard(to, step);
    }

    @Override
    public int keyCount(NodeAddress to, ShardRef shard) throws PeerUnreachableException {
        count(Call.KEY_COUNT);
        return inner.keyCount(to, shard);
    }

    @Override
    public PeerResponse relay(NodeAddress to, PeerRequest request) throws PeerUnreachableException {
        count(Call.RELAY);
        return inner.relay(to, request);
    }

    @Override
    public void close() {
        inner.close();
    }
}
