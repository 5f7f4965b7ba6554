package io.causalkv.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.causal.CausalContext;
import io.causalkv.causal.Dot;
import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.testing.Await;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerOperation;
import io.causalkv.transport.PeerRequest;
import io.causalkv.transport.PeerResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The replicator's senders, against a peer client that fails in ways a real one may. */
class ReplicatorTest {

    private static final NodeAddress SELF = NodeAddress.parse("127.0.0.1:1");
    private static final NodeAddress PEER = NodeAddress.parse("127.0.0.1:2");

    /**
     * Takes replication batches as a replica does: a write is applied only after the origin's
     * earlier ones (the rest wait in its buffer), and the receipt says how far it applied. The
     * first {@code failures} calls throw what a bug of ours would.
     */
    private static final class FlakyPeer implements PeerClient {
        final List<Write> received = new CopyOnWriteArrayList<>();
        final java.util.Set<Long> taken = java.util.concurrent.ConcurrentHashMap.newKeySet();
        volatile long applied;
        final AtomicInteger failures;

        FlakyPeer(int failures) {
            this.failures = new AtomicInteger(failures);
        }

        @Override
        public <Q, A> A call(NodeAddress to, PeerOperation<Q, A> operation, Q request, java.time.Duration timeout) {
            if (!(request instanceof PeerOperation.Replication replication)) {
                throw new UnsupportedOperationException();
            }
            if (failures.getAndDecrement() > 0) {
                throw new IllegalStateException("a write that does not encode");
            }
            received.addAll(replication.writes());
            replication.writes().forEach(w -> taken.add(w.dot().seq()));
            while (taken.contains(applied + 1)) {
                applied++;
            }
            @SuppressWarnings("unchecked") // the answer of REPLICATE
            A receipt = (A) new Receipt(true, applied);
            return receipt;
        }

        @Override
        public PeerResponse relay(NodeAddress to, PeerRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    /** A membership of this node and the peer, which has answered once (a first contact: stable at once). */
    private static Membership reachablePeer() {
        Membership membership = new Membership(SELF, ClusterMap.initial(List.of(SELF, PEER)), System::nanoTime);
        membership.health(PEER).succeeded(System.nanoTime());
        return membership;
    }

    private static Write write(long seq) {
        return new Write("k" + seq, "\"v\"", new Dot("r", seq), seq, VectorClock.EMPTY, CausalContext.EMPTY);
    }

    @Test
    void aSenderOutlivesAnUnexpectedFailureAndStillDeliversInOrder() {
        Membership membership = reachablePeer(); // a first contact: stable at once
        FlakyPeer peer = new FlakyPeer(2);
        try (Replicator replicator = new Replicator(SELF, new ShardRef(1, 1), peer, membership)) {
            replicator.replicateTo(List.of(PEER));
            replicator.replicate(write(1));
            replicator.replicate(write(2));
            assertTrue(replicator.awaitAcknowledgement(2, Duration.ofSeconds(10)), "delivered after the failures");
            Await.until(Duration.ofSeconds(5), "the peer has both writes", () -> peer.received.size() == 2);
            assertEquals(List.of(write(1), write(2)), peer.received);
            assertEquals(0, replicator.queued());
        }
    }

    @Test
    void aPeerAddedLaterDoesNotAcknowledgeWritesQueuedBeforeItsSenderExisted() {
        Membership membership = reachablePeer();
        FlakyPeer peer = new FlakyPeer(0);
        try (Replicator replicator = new Replicator(SELF, new ShardRef(1, 1), peer, membership)) {
            replicator.replicate(write(1)); // no peer in the shard yet: write 1 goes nowhere
            replicator.replicateTo(List.of(PEER));
            replicator.replicate(write(2));
            Await.until(Duration.ofSeconds(5), "the peer took write 2", () -> peer.received.size() == 1);
            assertEquals(List.of(write(2)), peer.received);
            assertFalse(replicator.awaitAcknowledgement(1, Duration.ofMillis(300)), "the peer never got write 1");
        }
    }

    /**
     * Issue 17 item 1: after a long cut, this node's new senders start empty; a new write reached
     * a peer that lacked the writes before it, was buffered there ("accepted") and counted as
     * held by two. Had this node died, it was gone: its dependencies were on no other replica.
     */
    @Test
    void aWriteThePeerCanOnlyBufferIsNotAcknowledgedUntilItIsApplied() {
        Membership membership = reachablePeer();
        FlakyPeer peer = new FlakyPeer(0);
        try (Replicator replicator = new Replicator(SELF, new ShardRef(1, 1), peer, membership)) {
            replicator.replicate(write(1)); // taken while the peer was out of the shard: it never gets it
            replicator.replicateTo(List.of(PEER));
            replicator.replicate(write(2));
            assertFalse(replicator.awaitAcknowledgement(2, Duration.ofMillis(300)),
                    "write 2 waits in the peer's buffer for write 1: one copy, not two");
            assertEquals(List.of(write(2)), peer.received);
            // Once the peer has write 1 (anti-entropy, say), the next batch's receipt covers both.
            peer.taken.add(1L);
            replicator.replicate(write(3));
            assertTrue(replicator.awaitAcknowledgement(3, Duration.ofSeconds(10)));
            assertTrue(replicator.awaitAcknowledgement(2, Duration.ofMillis(1)), "applied along with 3");
        }
    }

    /** Issue 17 item 5: bounded by count alone (100,000), a queue of 1 MiB writes could hold 100 GB. */
    @Test
    void aQueueToAnUnreachablePeerIsBoundedByBytes() {
        Membership membership = new Membership(SELF, ClusterMap.initial(List.of(SELF, PEER)), System::nanoTime);
        FlakyPeer peer = new FlakyPeer(0); // never reached: the peer never answered a probe
        String mebibyte = "\"" + "x".repeat(1024 * 1024 - 2) + "\"";
        try (Replicator replicator = new Replicator(SELF, new ShardRef(1, 1), peer, membership)) {
            replicator.replicateTo(List.of(PEER));
            for (long seq = 1; seq <= 100; seq++) {
                replicator.replicate(new Write("k" + seq, mebibyte, new Dot("r", seq), seq, VectorClock.EMPTY, CausalContext.EMPTY));
            }
            assertTrue(replicator.queuedBytes() <= PeerSender.MAX_QUEUE_BYTES, replicator.queuedBytes() + " bytes queued");
            assertTrue(replicator.queued() < 100, replicator.queued() + " writes queued");
            assertEquals(List.of(), peer.received);
        }
    }
}
