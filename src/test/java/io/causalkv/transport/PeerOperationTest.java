package io.causalkv.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalkv.causal.CausalContext;
import io.causalkv.causal.Dot;
import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ClusterIdentity;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.replication.ShardStatus;
import io.causalkv.replication.Receipt;
import io.causalkv.replication.StateDelta;
import io.causalkv.replication.SyncCursor;
import io.causalkv.replication.Write;
import io.causalkv.store.Entry;
import io.causalkv.wire.Wire;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Every row of the peer table carries its request to the handler and its answer back unchanged
 * through the bytes that go on the wire, and a message its decoder cannot read is refused.
 */
class PeerOperationTest {

    private static final NodeAddress A = NodeAddress.parse("127.0.0.1:9001");
    private static final NodeAddress B = NodeAddress.parse("127.0.0.1:9002");
    private static final ShardRef SHARD = new ShardRef(2, 3);
    private static final VectorClock CLOCK = VectorClock.of(Map.of("127.0.0.1:9001.1", 4L));
    private static final ClusterMap MAP = ClusterMap.initial(List.of(A, B), 1);
    private static final Write WRITE = new Write("k", "\"v\"", new Dot("127.0.0.1:9001.1", 5), 7, CLOCK, CausalContext.EMPTY);
    private static final StateDelta.KeyedEntry ENTRY = new StateDelta.KeyedEntry("k",
            new Entry("\"v\"", new Dot("127.0.0.1:9001.1", 5), 7, CausalContext.EMPTY));

    /** Records what each operation received, answers fixed values. */
    private static final class Recorder implements PeerHandler {
        final List<Object> received = new ArrayList<>();

        @Override
        public PingReply onPing(Ping ping) {
            received.add(ping);
            return new PingReply(MAP, new ShardStatus(SHARD, CLOCK, 12, true));
        }

        @Override
        public Receipt onReplicate(PeerOperation.Replication replication) {
            received.add(replication);
            return new Receipt(true, 7);
        }

        @Override
        public Optional<StateDelta> onSync(PeerOperation.SyncRequest request) {
            received.add(request);
            return Optional.of(new StateDelta(CLOCK, List.of(ENTRY), SyncCursor.at("k")));
        }

        @Override
        public ClusterMap onJoin(NodeAddress joiner) {
            received.add(joiner);
            return MAP;
        }

        @Override
        public boolean onHandoff(ShardRef shard, List<StateDelta.KeyedEntry> entries) {
            received.add(new PeerOperation.Handoff(shard, entries));
            return true;
        }

        @Override
        public boolean onReshard(ReshardStep step) {
            received.add(step);
            return true;
        }

        @Override
        public int onKeyCount(ShardRef shard) {
            received.add(shard);
            return 42;
        }
    }

    /** The request as the sender encodes it, through bytes, served, the answer back through bytes. */
    private static <Q, A> A roundTrip(PeerOperation<Q, A> operation, Q request, Recorder receiver) throws Exception {
        JsonNode sent = Wire.MAPPER.readTree(Wire.MAPPER.writeValueAsBytes(operation.encodeRequest(request)));
        JsonNode answer = Wire.MAPPER.readTree(Wire.MAPPER.writeValueAsBytes(operation.serve(receiver, sent)));
        return operation.decodeAnswer(answer);
    }

    @Test
    void everyOperationDeliversItsRequestAndAnswer() throws Exception {
        Recorder receiver = new Recorder();
        PingReply reply = roundTrip(PeerOperation.PING, new Ping(A, MAP), receiver);
        assertEquals(MAP, reply.map());
        assertEquals(new ShardStatus(SHARD, CLOCK, 12, true), reply.status());
        assertEquals(new Receipt(true, 7), roundTrip(PeerOperation.REPLICATE, new PeerOperation.Replication(A, SHARD, List.of(WRITE), true), receiver));
        assertEquals(Optional.of(new StateDelta(CLOCK, List.of(ENTRY), SyncCursor.at("k"))),
                roundTrip(PeerOperation.SYNC, new PeerOperation.SyncRequest(A, SHARD, CLOCK, true, SyncCursor.at("j"), 500, 7), receiver));
        assertEquals(MAP, roundTrip(PeerOperation.JOIN, B, receiver));
        assertEquals(true, roundTrip(PeerOperation.HANDOFF, new PeerOperation.Handoff(SHARD, List.of(ENTRY)), receiver));
        ReshardStep step = new ReshardStep(ReshardStep.Phase.TRANSFER, MAP, List.of(A, B), "a/1", List.of(B));
        assertEquals(true, roundTrip(PeerOperation.RESHARD, step, receiver));
        assertEquals(42, roundTrip(PeerOperation.KEY_COUNT, SHARD, receiver));

        assertEquals(List.of(new Ping(A, MAP), new PeerOperation.Replication(A, SHARD, List.of(WRITE), true),
                new PeerOperation.SyncRequest(A, SHARD, CLOCK, true, SyncCursor.at("j"), 500, 7), B, new PeerOperation.Handoff(SHARD, List.of(ENTRY)),
                step, SHARD), receiver.received);
    }

    @Test
    void aHeartbeatWhosePeerHasItsMapCarriesOnlyTheDigest() throws Exception {
        Recorder receiver = new Recorder();
        Ping digestOnly = Ping.withDigest(A, MAP.digest(), ShardStatus.NONE, ClusterIdentity.Id.UNKNOWN);
        JsonNode sent = PeerOperation.PING.encodeRequest(digestOnly);
        assertFalse(sent.has("map"), sent.toString());
        assertEquals(MAP.digest(), sent.get("digest").asLong());
        PingReply reply = roundTrip(PeerOperation.PING, digestOnly, receiver);
        assertEquals(List.of(digestOnly), receiver.received);
        assertEquals(MAP, reply.map());
        assertEquals(MAP.digest(), reply.mapDigest());
        // A peer that sends no digest (an older node) reads as 0: it gets the map every time.
        JsonNode withoutDigest = Wire.MAPPER.readTree("{\"from\":\"127.0.0.1:1\",\"map\":" + Wire.map(MAP) + "}");
        PeerOperation.PING.serve(receiver, withoutDigest);
        assertEquals(0, ((Ping) receiver.received.get(1)).mapDigest());
        assertEquals(MAP, ((Ping) receiver.received.get(1)).map());
        // Neither a map nor a digest, or a digest that is no integer: not a heartbeat (400).
        for (String body : List.of("{\"from\":\"127.0.0.1:1\"}", "{\"from\":\"127.0.0.1:1\",\"digest\":\"x\"}",
                "{\"from\":\"127.0.0.1:1\",\"digest\":1.5}", "{\"from\":\"127.0.0.1:1\",\"digest\":0}")) {
            JsonNode message = Wire.MAPPER.readTree(body);
            assertThrows(IllegalArgumentException.class, () -> PeerOperation.PING.serve(receiver, message), body);
        }
        assertEquals(2, receiver.received.size());
    }

    @Test
    void everyOperationIsFoundByItsPathName() {
        for (String name : List.of("ping", "replicate", "sync", "join", "handoff", "reshard", "key-count")) {
            PeerOperation<?, ?> operation = PeerOperation.named(name).orElseThrow();
            assertEquals("/internal/" + name, operation.path());
            assertTrue(operation.timeout().toMillis() > 0);
        }
        assertEquals(Optional.empty(), PeerOperation.named("nope"));
        assertEquals(Optional.empty(), PeerOperation.named("PING"));
    }

    @Test
    void aMessageTheOperationCannotReadIsRefusedBeforeTheHandler() throws Exception {
        Recorder receiver = new Recorder();
        JsonNode noShard = Wire.MAPPER.readTree("{\"from\":\"127.0.0.1:1\",\"writes\":[]}");
        JsonNode badAddress = Wire.MAPPER.readTree("{\"address\":\"not an address\"}");
        JsonNode badPhase = Wire.MAPPER.readTree("{\"phase\":\"LATER\",\"map\":" + Wire.map(MAP) + ",\"participants\":[]}");
        // The servlet answers these two kinds with 400 "Malformed peer message"; anything else would be a 500.
        for (Runnable refused : List.<Runnable>of(() -> PeerOperation.REPLICATE.serve(receiver, noShard),
                () -> PeerOperation.JOIN.serve(receiver, badAddress), () -> PeerOperation.RESHARD.serve(receiver, badPhase))) {
            RuntimeException e = assertThrows(RuntimeException.class, refused::run);
            assertTrue(e instanceof IllegalArgumentException || e instanceof NullPointerException, e.toString());
        }
        assertEquals(List.of(), receiver.received);
    }
}
