package io.causalkv.transport;

import io.causalkv.cluster.NodeAddress;
import io.causalkv.replication.StateDelta;
import java.time.Duration;
import java.util.EnumMap;
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
    public enum Call {
        PING, REPLICATE, SYNC, JOIN, HANDOFF, RESHARD, KEY_COUNT, RELAY;

        /** The kind of a peer operation: its name, as a constant. */
        static Call of(PeerOperation<?, ?> operation) {
            return switch (operation.name()) {
                case "ping" -> PING;
                case "replicate" -> REPLICATE;
                case "sync" -> SYNC;
                case "join" -> JOIN;
                case "handoff" -> HANDOFF;
                case "reshard" -> RESHARD;
                case "key-count" -> KEY_COUNT;
                default -> throw new IllegalArgumentException("no call kind for " + operation);
            };
        }
    }

    private final PeerClient inner;
    private final Map<Call, LongAdder> calls = new EnumMap<>(Call.class);
    private final LongAdder replicatedWrites = new LongAdder();
    private final LongAdder handedOverEntries = new LongAdder();
    private final LongAdder syncedEntries = new LongAdder();

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

    /** Entries received in sync answers so far (anti-entropy and state fetches). */
    public long syncedEntries() {
        return syncedEntries.sum();
    }

    private void count(Call call) {
        calls.get(call).increment();
    }

    @Override
    public <Q, A> A call(NodeAddress to, PeerOperation<Q, A> operation, Q request, Duration timeout)
            throws PeerUnreachableException {
        count(Call.of(operation));
        if (request instanceof PeerOperation.Replication replication) {
            replicatedWrites.add(replication.writes().size());
        } else if (request instanceof PeerOperation.Handoff handoff) {
            handedOverEntries.add(handoff.entries().size());
        }
        A answer = inner.call(to, operation, request, timeout);
        if (answer instanceof Optional<?> delta && delta.orElse(null) instanceof StateDelta d) {
            syncedEntries.add(d.entries().size());
        }
        return answer;
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
