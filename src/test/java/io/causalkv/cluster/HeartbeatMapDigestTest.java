package io.causalkv.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.testing.Await;
import io.causalkv.testing.Cluster;
import io.causalkv.testing.FreePorts;
import io.causalkv.testing.Http;
import io.causalkv.transport.HttpPeerClient;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerOperation;
import io.causalkv.transport.PeerRequest;
import io.causalkv.transport.PeerResponse;
import io.causalkv.transport.PeerUnreachableException;
import io.causalkv.transport.Ping;
import io.causalkv.transport.PingReply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Heartbeats carry the map's digest instead of the map while the peer has it (issue 19: an idle
 * cluster's map does not change, and its encoding and merging were a fifth of a heartbeat's
 * cost), and a change still spreads within a round or two: a map changed on one node, and a
 * node restarted with only its VIEW's map. Three nodes in this JVM over real HTTP, every ping
 * recorded as it leaves.
 */
class HeartbeatMapDigestTest {

    /** One heartbeat: whether the ping and its answer carried a map. */
    private record Beat(long at, boolean pingHadMap, boolean replyHadMap) {
    }

    /** Records every ping a node sends and the answer it gets. */
    private static final class Recording implements PeerClient {
        private final PeerClient inner;
        private final List<Beat> beats;

        Recording(PeerClient inner, List<Beat> beats) {
            this.inner = inner;
            this.beats = beats;
        }

        @Override
        public <Q, A> A call(NodeAddress to, PeerOperation<Q, A> operation, Q request, Duration timeout)
                throws PeerUnreachableException {
            A answer = inner.call(to, operation, request, timeout);
            if (request instanceof Ping ping && answer instanceof PingReply reply) {
                beats.add(new Beat(System.nanoTime(), ping.map() != null, reply.map() != null));
            }
            return answer;
        }

        @Override
        public PeerResponse relay(NodeAddress to, PeerRequest request) throws PeerUnreachableException {
            return inner.relay(to, request);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    private final List<Beat> beats = new CopyOnWriteArrayList<>();

    @Test
    void anUnchangedMapTravelsAsItsDigestAndChangesStillSpread() throws Exception {
        try (Cluster cluster = Cluster.start(3, faults -> (self, handler, token) ->
                new Recording(new HttpPeerClient(token), beats), Map.of())) {
            awaitDigestsOnly("a settled cluster");

            // A change on one node reaches the others through heartbeats alone (PUT /view is not
            // broadcast): whichever side of each pair probes, the map crosses.
            String added = "127.0.0.1:" + FreePorts.reserve();
            Http.Reply put = Http.send("PUT", cluster.url(0, "/view"), "{\"socket-address\":\"" + added + "\"}");
            assertEquals(201, put.status(), put.body());
            Await.until(Duration.ofSeconds(5), "every node lists the added node",
                    () -> IntStream.range(0, 3).allMatch(i -> Http.send("GET", cluster.url(i, "/view")).body().contains(added)));
            awaitDigestsOnly("after the change");

            // A node restarted between two probes comes back with its VIEW's map only (no
            // added node): the digest its peers remember is stale, and it still learns the map.
            cluster.stopNode(2);
            cluster.startNode(2);
            Await.until(Duration.ofSeconds(5), "the restarted node learns the added node",
                    () -> Http.send("GET", cluster.url(2, "/view")).body().contains(added));
            Await.until(Duration.ofSeconds(5), "every node lists the restarted node",
                    () -> IntStream.range(0, 3).allMatch(i -> Http.send("GET", cluster.url(i, "/view")).body().contains(cluster.address(2))));
            awaitDigestsOnly("after the restart");
        }
    }

    /** Waits for a whole second in which every heartbeat went without a map, both ways. */
    private void awaitDigestsOnly(String when) {
        Await.until(Duration.ofSeconds(10), "a second of heartbeats without maps " + when, () -> {
            long since = System.nanoTime() - 1_000_000_000L;
            List<Beat> last = beats.stream().filter(b -> b.at() >= since).toList();
            // Three pairs, about one ping a period (200 ms) each.
            return last.size() >= 6 && last.stream().noneMatch(b -> b.pingHadMap() || b.replyHadMap());
        });
        long since = System.nanoTime() - 1_000_000_000L;
        assertTrue(beats.stream().filter(b -> b.at() >= since).count() >= 6, "heartbeats still flow " + when);
    }
}
