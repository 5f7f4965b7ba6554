package io.causalkv.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.causal.CausalContext;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerOperation;
import io.causalkv.transport.PeerResponse;
import io.causalkv.transport.PeerRequest;
import io.causalkv.transport.PeerUnreachableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A pull from a peer (issue 16, item 3): a whole shard comes in pages, and a pull that is only
 * slow is no verdict on the peer, while one that cannot connect is.
 */
class AntiEntropyTest {

    private static final NodeAddress SELF = NodeAddress.parse("10.0.0.1:8090");
    private static final NodeAddress PEER = NodeAddress.parse("10.0.0.2:8090");

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final Membership membership = new Membership(SELF, ClusterMap.initial(List.of(SELF, PEER)), clock::get);
    private final ShardReplica mine = new ShardReplica("mine", 1, 1);

    /** A peer whose sync answers come from {@code source}, or that fails with {@code failure}. */
    private PeerClient peer(ShardReplica source, PeerUnreachableException failure, List<PeerOperation.SyncRequest> asked) {
        return new PeerClient() {
            @Override
            @SuppressWarnings("unchecked")
            public <Q, A> A call(NodeAddress to, PeerOperation<Q, A> operation, Q request, Duration timeout)
                    throws PeerUnreachableException {
                if (failure != null) {
                    throw failure;
                }
                PeerOperation.SyncRequest sync = (PeerOperation.SyncRequest) request;
                asked.add(sync);
                return (A) java.util.Optional.of(source.changesSince(sync.since(), !sync.holdsImported(), sync.after(),
                        sync.pageEntries(), PeerClient.BATCH_BYTES));
            }

            @Override
            public PeerResponse relay(NodeAddress to, PeerRequest request) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
            }
        };
    }

    private AntiEntropy antiEntropy(PeerClient client) {
        return new AntiEntropy(SELF, client, membership, mine, () -> List.of(PEER), () -> true);
    }

    @Test
    void aWholeShardComesInPagesAndEndsWithThePeersClock() {
        ShardReplica theirs = new ShardReplica("theirs", 1, 1);
        int keys = AntiEntropy.PAGE_ENTRIES * 2 + 10;
        for (int i = 0; i < keys; i++) {
            theirs.put("k" + i, "1", CausalContext.EMPTY, w -> { });
        }
        List<PeerOperation.SyncRequest> asked = new ArrayList<>();
        assertTrue(antiEntropy(peer(theirs, null, asked)).pullFrom(PEER));
        assertEquals(3, asked.size(), "pages of " + AntiEntropy.PAGE_ENTRIES);
        assertEquals(keys, mine.liveKeyCount());
        assertEquals(theirs.applied(), mine.applied());
    }

    @Test
    void aPullThatTimesOutIsNoVerdictButOneThatCannotConnectIs() {
        membership.health(PEER).succeeded(clock.get());
        PeerUnreachableException slow = new PeerUnreachableException(PEER, new java.net.http.HttpTimeoutException("request timed out"));
        assertFalse(antiEntropy(peer(null, slow, new ArrayList<>())).pullFrom(PEER));
        assertTrue(membership.health(PEER).isReachable(), "a slow answer (a large shard) says nothing of the peer's health");
        PeerUnreachableException refused = PeerUnreachableException.notSent(PEER, new java.net.ConnectException("refused"));
        assertFalse(antiEntropy(peer(null, refused, new ArrayList<>())).pullFrom(PEER));
        assertFalse(membership.health(PEER).isReachable(), "a peer that cannot be reached at all is suspected");
    }

    /**
     * Issue 17 item 3: a write acknowledged on one copy whose replica then died (kill -9, restart)
     * left every request carrying it 503 for good. Once the node reports a new incarnation and
     * every member has applied exactly as many of the old one's writes, the rest are sealed off.
     */
    @Test
    void aRestartedNodesOldIncarnationIsSealedOnceEveryMemberAgreesOnItsLastWrite() {
        String old = PEER + "@aaa.1";
        String restarted = PEER + "@bbb.1";
        ShardReplica dead = new ShardReplica(old, 1, 1);
        mine.receive(List.of(dead.put("k", "1", CausalContext.EMPTY, w -> { }).write()));
        dead.put("k", "2", CausalContext.EMPTY, w -> { }); // single-copy: it died with the process
        CausalContext reader = dead.historyOf(dead.read("k"));
        assertFalse(mine.satisfies(reader), "depends on a write that exists nowhere any more");

        AntiEntropy antiEntropy = antiEntropy(peer(null, null, new ArrayList<>()));
        ShardReplica fresh = new ShardReplica(restarted, 1, 1);
        fresh.merge(mine.changesSince(io.causalkv.causal.VectorClock.EMPTY, true)); // its start-up fetch
        antiEntropy.observe(PEER, new ShardStatus(mine.ref(), fresh.applied(), 1, false, restarted));
        assertFalse(mine.satisfies(reader), "not while the restarted member is still fetching");
        antiEntropy.observe(PEER, new ShardStatus(mine.ref(), io.causalkv.causal.VectorClock.EMPTY, 0, true, restarted));
        assertFalse(mine.satisfies(reader), "not while a member has applied a different number of its writes");
        antiEntropy.observe(PEER, new ShardStatus(mine.ref(), fresh.applied(), 1, true, old));
        assertFalse(mine.satisfies(reader), "not while the old incarnation is the one reporting");
        antiEntropy.observe(PEER, new ShardStatus(mine.ref(), fresh.applied(), 1, true, restarted));
        assertTrue(mine.satisfies(reader), "sealed at its last surviving write");
        assertEquals(java.util.Map.of(old, 1L), mine.sealed());
        assertEquals(io.causalkv.causal.VectorClock.EMPTY, mine.withoutSealed(reader).clockFor(1, 1),
                "answers no longer name the dead incarnation: metadata does not grow with restarts");
        // A write made with that history no longer depends on the lost one, so peers take it.
        Write next = mine.put("j", "3", reader, w -> { }).write();
        assertTrue(next.deps().get(old) <= 1, "deps " + next.deps());
    }
}
