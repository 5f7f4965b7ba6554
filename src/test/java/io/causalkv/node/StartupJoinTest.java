package io.causalkv.node;

import static io.causalkv.testing.ApiAssertions.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.replication.Write;
import io.causalkv.testing.Await;
import io.causalkv.wire.Wire;
import io.causalkv.testing.EmbeddedNode;
import io.causalkv.testing.FreePorts;
import io.causalkv.testing.Http;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerRequest;
import io.causalkv.transport.PeerResponse;
import io.causalkv.transport.PeerTransport;
import io.causalkv.transport.PeerUnreachableException;
import io.causalkv.transport.Ping;
import io.causalkv.transport.PingReply;
import io.causalkv.transport.ReshardStep;
import io.causalkv.cluster.ShardRef;
import io.causalkv.causal.VectorClock;
import io.causalkv.replication.StateDelta;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A node opens its port before its join is over (API.md 10.1): it answers at once, says it is
 * not ready, and holds client requests until the join ends instead of routing them by the
 * layout of its own settings; its peers' calls are refused until then, so its own map cannot
 * reach them.
 */
class StartupJoinTest {

    @Test
    void aJoiningNodeAnswersSaysItIsNotReadyAndHoldsKeyRequestsUntilItHasJoined() throws Exception {
        GatedPeers peers = new GatedPeers();
        int port = FreePorts.reserve();
        String self = "127.0.0.1:" + port;
        // The other node of the VIEW holds the join's state fetch until the gate opens.
        Map<String, String> settings = Map.of("SOCKET_ADDRESS", self, "VIEW", self + ",127.0.0.1:1");
        try (EmbeddedNode node = EmbeddedNode.startJoining(port, settings, Map.of(PeerTransport.CONTEXT_ATTRIBUTE, peers))) {
            Await.until(Duration.ofSeconds(5), "the join is held fetching from the peer", () -> peers.held() > 0);
            assertJson(Http.send("GET", node.url("/ready")), 503, "{\"ready\":false}");
            assertJson(Http.send("GET", node.url("/health")), 200, "{\"status\":\"up\"}");
            // To its peers it is not there yet: its map is still the one of its own settings.
            String ping = "{\"from\":\"127.0.0.1:1\",\"map\":" + Wire.map(new ClusterMap(Map.of())) + "}";
            assertJson(Http.send("POST", node.url("/internal/ping"), ping), 503, "{\"error\":\"Node is joining its cluster\"}");

            CompletableFuture<Long> answered = new CompletableFuture<>();
            CompletableFuture<Http.Reply> put = CompletableFuture.supplyAsync(() -> {
                Http.Reply reply = Http.send("PUT", node.url("/kvs/k"), "{\"value\":1,\"causal-metadata\":null}");
                answered.complete(System.nanoTime());
                return reply;
            });
            long opened = peers.openAfter(Duration.ofMillis(500));

            Http.Reply reply = put.get(15, TimeUnit.SECONDS);
            assertEquals(201, reply.status(), reply.body());
            assertTrue(answered.get() > opened, "the write was answered before the join was over");
            Await.until(Duration.ofSeconds(5), "/ready says true once joined",
                    () -> Http.send("GET", node.url("/ready")).status() == 200);
        } finally {
            peers.open();
        }
    }

    /**
     * A peer that answers probes while the gate is shut but holds a state fetch until the gate
     * opens (bounded), and is unreachable from then on.
     */
    private static final class GatedPeers implements PeerTransport, PeerClient {
        private final CountDownLatch gate = new CountDownLatch(1);
        private final AtomicInteger held = new AtomicInteger();

        int held() {
            return held.get();
        }

        /** Opens the gate after {@code delay} (time for a request to reach the node); returns when. */
        long openAfter(Duration delay) throws InterruptedException {
            Thread.sleep(delay.toMillis());
            long now = System.nanoTime();
            open();
            return now;
        }

        void open() {
            gate.countDown();
        }

        private PeerUnreachableException heldThenRefused(NodeAddress to) {
            held.incrementAndGet();
            try {
                gate.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new PeerUnreachableException(to, new java.net.ConnectException("refused by the test"));
        }

        @Override
        public PeerClient connect(NodeAddress self, io.causalkv.transport.PeerHandler handler,
                Optional<io.causalkv.transport.ClusterToken> token) {
            return this;
        }

        /** Answers the join's probe with a map of both nodes while the gate is shut, so the join fetches from it. */
        @Override
        public PingReply ping(NodeAddress to, Ping ping) throws PeerUnreachableException {
            if (gate.getCount() == 0) {
                throw new PeerUnreachableException(to, new java.net.ConnectException("refused by the test"));
            }
            return new PingReply(ClusterMap.initial(List.of(ping.from(), to)), io.causalkv.replication.ShardStatus.NONE);
        }

        @Override
        public Optional<StateDelta> sync(NodeAddress to, NodeAddress from, ShardRef shard, VectorClock since)
                throws PeerUnreachableException {
            throw heldThenRefused(to);
        }

        @Override
        public boolean replicate(NodeAddress to, NodeAddress from, ShardRef shard, List<Write> writes)
                throws PeerUnreachableException {
            throw new PeerUnreachableException(to, new java.net.ConnectException("refused by the test"));
        }

        @Override
        public ClusterMap join(NodeAddress to, NodeAddress joiner) throws PeerUnreachableException {
            throw new PeerUnreachableException(to, new java.net.ConnectException("refused by the test"));
        }

        @Override
        public boolean handoff(NodeAddress to, ShardRef shard, List<StateDelta.KeyedEntry> entries)
                throws PeerUnreachableException {
            throw new PeerUnreachableException(to, new java.net.ConnectException("refused by the test"));
        }

        @Override
        public boolean reshard(NodeAddress to, ReshardStep step) throws PeerUnreachableException {
            throw new PeerUnreachableException(to, new java.net.ConnectException("refused by the test"));
        }

        @Override
        public int keyCount(NodeAddress to, ShardRef shard) throws PeerUnreachableException {
            throw new PeerUnreachableException(to, new java.net.ConnectException("refused by the test"));
        }

        @Override
        public PeerResponse relay(NodeAddress to, PeerRequest request) throws PeerUnreachableException {
            throw new PeerUnreachableException(to, new java.net.ConnectException("refused by the test"));
        }

        @Override
        public void close() {
            open();
        }
    }
}
