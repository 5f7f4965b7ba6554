package io.causalkv.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.replication.ShardStatus;
import io.causalkv.testing.Await;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerOperation;
import io.causalkv.transport.PeerRequest;
import io.causalkv.transport.PeerResponse;
import io.causalkv.transport.PeerUnreachableException;
import io.causalkv.transport.PingReply;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * One ping a period per pair of nodes: a peer that keeps pinging this node is not probed back,
 * and a silence makes this node probe it again at once, so a cut is still noticed on both sides.
 */
class FailureDetectorTest {

    private static final NodeAddress SELF = NodeAddress.parse("127.0.0.1:1");
    private static final NodeAddress PEER = NodeAddress.parse("127.0.0.1:2");

    @Test
    void aPeerThatKeepsPingingIsNotProbedBackAndASilenceIsNoticed() {
        ClusterMap map = ClusterMap.initial(List.of(SELF, PEER));
        Membership membership = new Membership(SELF, map, System::nanoTime);
        PerPeer peer = new PerPeer(map);
        try (FailureDetector detector = new FailureDetector(membership, peer, (p, r) -> { })) {
            detector.start();
            Await.until(Duration.ofSeconds(5), "the first probe answered", () -> membership.health(PEER).isReachable());

            // The peer pings this node every 100 ms for 1.5 s: this node has no reason to probe it.
            int before = peer.count(PEER);
            long end = System.nanoTime() + 1_500_000_000L;
            while (System.nanoTime() < end) {
                membership.health(PEER).heardFrom(membership.now());
                Await.elapse(Duration.ofMillis(100)); // the peer's next ping
            }
            int whileHeard = peer.count(PEER) - before;
            assertTrue(whileHeard <= 2, "probes of a peer heard from every 100 ms for 1.5 s: " + whileHeard);

            // Silence: probed again every round (about 7 in 1.5 s).
            before = peer.count(PEER);
            Await.elapse(Duration.ofMillis(1_500));
            int whileSilent = peer.count(PEER) - before;
            assertTrue(whileSilent >= 4, "probes of a silent peer in 1.5 s: " + whileSilent);

            // Heard from, then cut: the silence is noticed and the peer suspected well within 1 s.
            membership.health(PEER).heardFrom(membership.now());
            peer.cut(PEER, true);
            long cutAt = System.nanoTime();
            Await.until(Duration.ofSeconds(2), "the cut peer is suspected", () -> !membership.health(PEER).isReachable());
            long tookMillis = (System.nanoTime() - cutAt) / 1_000_000;
            assertTrue(tookMillis < 1_000, "suspected " + tookMillis + " ms after the cut");
            assertFalse(membership.health(PEER).isReachable());
        }
    }

    @Test
    void aPeerOfAnotherShardIsProbedAFarPeriodApartAndEveryRoundOnceUnreachable() {
        NodeAddress replica = NodeAddress.parse("127.0.0.1:3");
        // SELF and replica in shard 1, PEER in shard 2.
        ClusterMap map = ClusterMap.initial(List.of(SELF, PEER, replica), 2).withShardMember(replica, 1);
        assertTrue(map.shardOf(replica) == map.shardOf(SELF) && map.shardOf(PEER) != map.shardOf(SELF), map.toString());
        Membership membership = new Membership(SELF, map, System::nanoTime);
        PerPeer peers = new PerPeer(map);
        try (FailureDetector detector = new FailureDetector(membership, peers, (p, r) -> { })) {
            detector.start();
            Await.until(Duration.ofSeconds(5), "the first probes answered",
                    () -> membership.health(PEER).isReachable() && membership.health(replica).isReachable());
            int farBefore = peers.count(PEER);
            int nearBefore = peers.count(replica);
            Await.elapse(Duration.ofMillis(3_000));
            int far = peers.count(PEER) - farBefore;
            int near = peers.count(replica) - nearBefore;
            // 600 ms apart: about 5 in 3 s, against about 15 for the replica.
            assertTrue(far >= 3 && far <= 6, "probes of the other shard's node in 3 s: " + far);
            assertTrue(near >= 10, "probes of the replica in 3 s: " + near);

            // Unreachable: probed every round again, so it is back within a round of answering.
            peers.cut(PEER, true);
            Await.until(Duration.ofSeconds(3), "the far peer is suspected", () -> !membership.health(PEER).isReachable());
            int whileCut = peers.count(PEER);
            Await.elapse(Duration.ofMillis(1_000));
            assertTrue(peers.count(PEER) - whileCut >= 3, "probes of the unreachable far peer in 1 s: " + (peers.count(PEER) - whileCut));
            peers.cut(PEER, false);
            long healed = System.nanoTime();
            Await.until(Duration.ofSeconds(2), "the far peer answers again", () -> membership.health(PEER).isReachable());
            assertTrue(System.nanoTime() - healed < 700_000_000L, "reachable again after " + (System.nanoTime() - healed) / 1_000_000 + " ms");
        }
    }

    /** Answers pings from several peers, each countable and cuttable on its own. */
    private static final class PerPeer implements PeerClient {
        private final java.util.Map<NodeAddress, AtomicInteger> pings = new java.util.concurrent.ConcurrentHashMap<>();
        private final java.util.Set<NodeAddress> cut = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final ClusterMap map;

        PerPeer(ClusterMap map) {
            this.map = map;
        }

        int count(NodeAddress peer) {
            return pings.computeIfAbsent(peer, p -> new AtomicInteger()).get();
        }

        void cut(NodeAddress peer, boolean isCut) {
            if (isCut) {
                cut.add(peer);
            } else {
                cut.remove(peer);
            }
        }

        @Override
        public <Q, A> A call(NodeAddress to, PeerOperation<Q, A> operation, Q request, Duration timeout)
                throws PeerUnreachableException {
            pings.computeIfAbsent(to, p -> new AtomicInteger()).incrementAndGet();
            if (cut.contains(to)) {
                throw new PeerUnreachableException(to, new IOException("cut"));
            }
            @SuppressWarnings("unchecked") // the answer of PING, the only call a detector makes
            A reply = (A) new PingReply(map, ShardStatus.NONE);
            return reply;
        }

        @Override
        public PeerResponse relay(NodeAddress to, PeerRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }
}
