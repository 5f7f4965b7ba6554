package io.causalkv.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.causal.CausalContext;
import io.causalkv.causal.Dot;
import io.causalkv.causal.VectorClock;
import io.causalkv.store.Entry;
import io.causalkv.store.WriteOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ShardReplicaTest {

    /** Writes coordinated here are not sent anywhere in these single-process tests. */
    private static final java.util.function.Consumer<Write> NO_REPLICATION = write -> { };

    private static final int SHARD = 0;
    private static final int OTHER_SHARD = 1;
    private static final long EPOCH = 2;

    /** A replica whose wall clock stands still: write times then follow Lamport's rule alone, as these tests expect. */
    private static ShardReplica replica(String id) {
        return new ShardReplica(id, SHARD, EPOCH, () -> 0L);
    }

    private static String value(ShardReplica replica, String key) {
        Entry entry = replica.read(key);
        return entry == null ? null : entry.value();
    }

    private static CausalContext contextOf(int shard, long epoch, String replica, long seq) {
        return CausalContext.ofWrite(epoch, shard, new Dot(replica, seq));
    }

    /** What a client holds after reading {@code key} at {@code replica}. */
    private static CausalContext readContext(ShardReplica replica, String key) {
        return replica.historyOf(replica.read(key));
    }

    private static void assertSameState(ShardReplica expected, ShardReplica actual, List<String> keys) {
        assertEquals(expected.applied(), actual.applied(), "applied clocks");
        assertEquals(expected.liveKeyCount(), actual.liveKeyCount(), "live key counts");
        for (String key : keys) {
            assertEquals(expected.read(key), actual.read(key), "entry of " + key);
        }
    }

    // ---------------------------------------------------------------- what a client may claim

    @Test
    void aClientsClaimedTimeMovesTheClockNoFurtherThanPhysicalTimePlusTheSkew() {
        long[] now = {1_000_000};
        ShardReplica a = new ShardReplica("a", SHARD, EPOCH, () -> now[0]);
        CausalContext forged = CausalContext.of(EPOCH, Map.of(), CausalContext.MAX_LAMPORT);
        long pinned = a.put("k", "1", forged, NO_REPLICATION).write().lamport();
        assertTrue(pinned <= io.causalkv.causal.HybridTime.ceiling(now[0]) + 1, "stamped " + pinned);
        // A believable claim is still honoured: the next write is after it.
        long claimed = io.causalkv.causal.HybridTime.ceiling(now[0]) - 5;
        assertTrue(a.put("k", "2", CausalContext.of(EPOCH, Map.of(), claimed), NO_REPLICATION).write().lamport() > claimed);
        // Once the wall clock passes a pinned time, writes follow it again.
        now[0] += io.causalkv.causal.HybridTime.ALLOWED_SKEW_MILLIS + 1_000;
        long later = a.put("k", "3", CausalContext.EMPTY, NO_REPLICATION).write().lamport();
        assertEquals(io.causalkv.causal.HybridTime.floor(now[0]), later);
    }

    @Test
    void aWriteNeverStoresAHistoryOfANewerEpochThanItsReplicas() {
        // kvs-keys takes writes ahead of their dependencies; a history of an epoch this replica
        // has not reached made every reader of the key unsatisfiable everywhere (issue 17 item 4).
        ShardReplica a = replica("a");
        CausalContext future = contextOf(OTHER_SHARD, EPOCH + 97, "z", 5);
        a.put("k", "1", future, NO_REPLICATION);
        CausalContext reader = readContext(a, "k");
        assertTrue(reader.epoch() <= EPOCH, "a reader of k was handed epoch " + reader.epoch());
        assertTrue(a.satisfies(reader), "a reader of k is satisfied where k was read");
    }

    // ---------------------------------------------------------------- writes held unseen

    private static final io.causalkv.cluster.NodeAddress NODE_A = io.causalkv.cluster.NodeAddress.parse("127.0.0.1:1");

    @Test
    void writesFromAPeerNotYetStableAreHeldUnseenAndCountAsHeldUntilReleased() {
        ShardReplica a = replica("a");
        ShardReplica b = replica("b");
        Write first = a.put("x", "1", CausalContext.EMPTY, NO_REPLICATION).write();
        Write second = a.put("y", "2", CausalContext.EMPTY, NO_REPLICATION).write();
        assertEquals(new Receipt(true, 2), b.stage(NODE_A, List.of(first, second)), "both held, in an unbroken run");
        assertNull(b.read("x"), "held unseen (API.md 10.3)");
        assertEquals(2, b.stagedCount());
        b.releaseStaged(node -> false);
        assertNull(b.read("x"), "not released for another node's sake");
        b.releaseStaged(NODE_A::equals);
        assertEquals("1", value(b, "x"));
        assertEquals("2", value(b, "y"));
        assertEquals(0, b.stagedCount());
    }

    @Test
    void aHeldWriteAfterAGapIsNotHeldUntilAPullFillsTheGap() {
        ShardReplica a = replica("a");
        ShardReplica b = replica("b");
        a.put("x", "1", CausalContext.EMPTY, NO_REPLICATION); // never sent to b: a took it while cut off
        Write later = a.put("y", "2", CausalContext.EMPTY, NO_REPLICATION).write();
        assertEquals(new Receipt(true, 0), b.stage(NODE_A, List.of(later)), "a:1 is missing: a:2 is not certain to be shown");
        assertTrue(b.stage(NODE_A, a.changesSince(b.applied(), true)));
        assertEquals(new Receipt(true, 2), b.receipt(true, List.of(later)), "the pull covers a:1, a:2 follows it");
        assertNull(b.read("x"), "still unseen");
        b.releaseStaged(NODE_A::equals);
        assertEquals("1", value(b, "x"));
        assertEquals("2", value(b, "y"));
        assertEquals(VectorClock.EMPTY.with("a", 2), b.applied());
    }

    @Test
    void aLayoutChangeShowsHeldWritesSoThatTheyMoveWithTheKeys() {
        ShardReplica a = replica("a");
        ShardReplica b = replica("b");
        b.stage(NODE_A, List.of(a.put("x", "1", CausalContext.EMPTY, NO_REPLICATION).write()));
        b.freeze();
        assertEquals("1", value(b, "x"), "a hand-over reads what the replica shows");
        b.stage(NODE_A, List.of(a.put("y", "2", CausalContext.EMPTY, NO_REPLICATION).write()));
        assertEquals("2", value(b, "y"), "a frozen replica holds nothing back");
    }

    // ---------------------------------------------------------------- sealed incarnations

    @Test
    void aSealedReplicasLostWritesAreNoLongerWaitedForByRequestsOrBufferedWrites() {
        ShardReplica dead = replica("dead");
        ShardReplica b = replica("b");
        ShardReplica c = replica("c");
        Write kept = dead.put("x", "1", CausalContext.EMPTY, NO_REPLICATION).write();
        Write lost = dead.put("x", "2", CausalContext.EMPTY, NO_REPLICATION).write();
        b.receive(List.of(kept, lost)); // b saw the lost one before the node died; c never will
        Write after = b.put("y", "3", readContext(b, "x"), NO_REPLICATION).write(); // depends on dead:2
        c.receive(List.of(kept, after));
        assertNull(c.read("y"), "waits for dead:2");
        c.seal("dead", 2);
        assertTrue(c.sealed().isEmpty(), "c has applied 1 of dead's writes, not 2: no seal");
        c.seal("dead", 1);
        assertEquals("3", value(c, "y"), "the write that waited for the lost one is applied");
        assertTrue(c.satisfies(readContext(b, "x")), "a request depending on the lost write is served");
        assertEquals("1", value(c, "x"), "with what survives");
    }

    // ---------------------------------------------------------------- memory

    @Test
    void entriesShareEqualHistoriesInOtherShardsInsteadOfACopyEach() {
        // Issue 17 item 5: each entry kept its own copy of the client's clocks of other shards.
        ShardReplica a = replica("a");
        a.put("x", "1", contextOf(OTHER_SHARD, EPOCH, "z", 5), NO_REPLICATION);
        a.put("y", "2", contextOf(OTHER_SHARD, EPOCH, "z", 5), NO_REPLICATION); // equal, not the same instance
        assertTrue(a.read("x").foreign() == a.read("y").foreign(), "one shared history");
        ShardReplica b = replica("b");
        b.merge(a.changesSince(VectorClock.EMPTY, true));
        b.receive(List.of(a.put("w", "3", contextOf(OTHER_SHARD, EPOCH, "z", 5), NO_REPLICATION).write()));
        assertTrue(b.read("x").foreign() == b.read("y").foreign() && b.read("x").foreign() == b.read("w").foreign(),
                "shared at a replica that received them too");
    }

    // ---------------------------------------------------------------- local writes

    @Test
    void putReturnsCreatedThenReplacedWithConsecutiveDotsOfThisReplica() {
        ShardReplica a = replica("a");

        ShardReplica.LocalWrite first = a.put("k", "1", CausalContext.EMPTY, NO_REPLICATION);
        ShardReplica.LocalWrite second = a.put("k", "2", CausalContext.EMPTY, NO_REPLICATION);

        assertEquals(WriteOutcome.CREATED, first.outcome());
        assertEquals(WriteOutcome.REPLACED, second.outcome());
        assertEquals(new Dot("a", 1), first.write().dot());
        assertEquals(new Dot("a", 2), second.write().dot());
        assertTrue(second.write().lamport() > first.write().lamport());
        assertEquals("2", value(a, "k"));
        assertEquals(1, a.liveKeyCount());
        assertEquals(VectorClock.EMPTY.with("a", 2), a.applied());
    }

    @Test
    void putRecordsTheContextsShardClockAsDepsAndOtherShardsAsForeign() {
        ShardReplica a = replica("a");
        a.receive(List.of(replica("b").put("x", "1", CausalContext.EMPTY, NO_REPLICATION).write()));
        CausalContext context = contextOf(SHARD, EPOCH, "b", 1).merge(contextOf(OTHER_SHARD, EPOCH, "q", 7));

        Write write = a.put("k", "v", context, NO_REPLICATION).write();

        assertEquals(VectorClock.EMPTY.with("b", 1), write.deps());
        assertEquals(contextOf(OTHER_SHARD, EPOCH, "q", 7), write.foreign());
        assertEquals(CausalContext.ofWrite(EPOCH, SHARD, write.dot(), write.lamport()).merge(contextOf(OTHER_SHARD, EPOCH, "q", 7)),
                readContext(a, "k"), "a reader acquires the write's dot and time, and its foreign history");
    }

    @Test
    void aWriteAheadOfItsDependenciesIsStampedAfterThemAndKeepsThem() {
        // kvs-keys accepts a write whose dependencies this replica lacks (API.md 8.6): it must still
        // beat the version it depends on wherever they meet, and its readers must depend on them too.
        ShardReplica a = replica("a");
        ShardReplica b = replica("b");
        Write old = b.put("x", "\"old\"", CausalContext.EMPTY, NO_REPLICATION).write();
        a.receive(List.of(old));
        Write newer = b.put("x", "\"new\"", CausalContext.EMPTY, NO_REPLICATION).write();
        CausalContext seenNewer = CausalContext.ofWrite(EPOCH, SHARD, newer.dot(), newer.lamport());

        Write newest = a.put("x", "\"newest\"", seenNewer, NO_REPLICATION).write(); // a never got "new"

        assertTrue(newest.lamport() > newer.lamport(), "stamped after what the client had seen");
        assertTrue(newest.toEntry().supersedes(newer.toEntry()));
        assertTrue(readContext(a, "x").clockFor(SHARD, EPOCH).covers(newer.dot()),
                "a reader of the newest depends on the newer too");
        b.receive(List.of(newest));
        assertEquals("\"newest\"", b.read("x").value(), "the replica that had \"new\" converges on its successor");
    }

    @Test
    void deleteOfAMissingOrAlreadyDeletedKeyReturnsEmptyAndWritesNothing() {
        ShardReplica a = replica("a");
        assertEquals(Optional.empty(), a.delete("missing", CausalContext.EMPTY, NO_REPLICATION));
        assertEquals(VectorClock.EMPTY, a.applied());

        a.put("k", "1", CausalContext.EMPTY, NO_REPLICATION);
        Optional<Write> tombstone = a.delete("k", CausalContext.EMPTY, NO_REPLICATION);
        assertTrue(tombstone.isPresent());
        assertNull(tombstone.get().value());
        assertEquals(new Dot("a", 2), tombstone.get().dot());
        assertEquals(0, a.liveKeyCount());
        assertNotNull(a.read("k"), "the tombstone is kept");
        assertNull(value(a, "k"));

        assertEquals(Optional.empty(), a.delete("k", CausalContext.EMPTY, NO_REPLICATION));
        assertEquals(VectorClock.EMPTY.with("a", 2), a.applied(), "no dot is spent on a no-op delete");
    }

    @Test
    void putAfterDeleteCreatesTheKeyAgain() {
        ShardReplica a = replica("a");
        a.put("k", "1", CausalContext.EMPTY, NO_REPLICATION);
        a.delete("k", CausalContext.EMPTY, NO_REPLICATION);

        assertEquals(WriteOutcome.CREATED, a.put("k", "2", CausalContext.EMPTY, NO_REPLICATION).outcome());
        assertEquals("2", value(a, "k"));
        assertEquals(1, a.liveKeyCount());
    }

    // ---------------------------------------------------------------- satisfies

    @Test
    void readAtReplicaMissingDependencyIsNotSatisfied() {
        ShardReplica a = replica("a");
        ShardReplica b = replica("b");
        Write write = b.put("k", "1", CausalContext.EMPTY, NO_REPLICATION).write();
        CausalContext context = readContext(b, "k");

        assertFalse(a.satisfies(context));
        a.receive(List.of(write));
        assertTrue(a.satisfies(context));
    }

    @Test
    void contextNamingOnlyAnotherShardIsSatisfied() {
        ShardReplica a = replica("a");
        assertTrue(a.satisfies(contextOf(OTHER_SHARD, EPOCH, "z", 99)));
        assertTrue(a.satisfies(CausalContext.EMPTY));
    }

    @Test
    void contextFromAnOlderEpochIsSatisfied() {
        ShardReplica a = replica("a");
        assertTrue(a.satisfies(contextOf(SHARD, EPOCH - 1, "z", 99)));
    }

    @Test
    void contextFromANewerEpochIsNotSatisfied() {
        ShardReplica a = replica("a");
        assertFalse(a.satisfies(contextOf(SHARD, EPOCH + 1, "a", 1)));
        assertFalse(a.satisfies(contextOf(OTHER_SHARD, EPOCH + 1, "z", 1)),
                "even when it names only another shard");
        a.put("k", "1", CausalContext.EMPTY, NO_REPLICATION);
        assertFalse(a.satisfies(contextOf(SHARD, EPOCH + 1, "a", 1)), "even when the clock is covered");
    }

    // ---------------------------------------------------------------- replication

    @Test
    void threeReplicasReceivingConcurrentWritesInDifferentOrdersConverge() {
        ShardReplica a = replica("a");
        ShardReplica b = replica("b");
        ShardReplica c = replica("c");
        // Concurrent writes to "k"; a's second write has the highest Lamport time, so it wins
        // even though "a" is the smallest replica id. Then b and c write "j" concurrently, tied.
        Write a1 = a.put("x", "\"ax\"", CausalContext.EMPTY, NO_REPLICATION).write();
        Write a2 = a.put("k", "\"from a\"", CausalContext.EMPTY, NO_REPLICATION).write();
        Write b1 = b.put("k", "\"from b\"", CausalContext.EMPTY, NO_REPLICATION).write();
        Write c1 = c.put("k", "\"from c\"", CausalContext.EMPTY, NO_REPLICATION).write();
        Write b2 = b.put("j", "\"jb\"", CausalContext.EMPTY, NO_REPLICATION).write();
        Write c2 = c.put("j", "\"jc\"", CausalContext.EMPTY, NO_REPLICATION).write();

        a.receive(List.of(c2, b1));
        a.receive(List.of(c1, b2));
        b.receive(List.of(a2)); // buffered until a1
        b.receive(List.of(c1, c2, a1));
        c.receive(List.of(b2, a2, b1, a1));

        for (ShardReplica r : List.of(a, b, c)) {
            assertEquals("\"from a\"", value(r, "k"), "k at " + r.replicaId());
            assertEquals("\"jc\"", value(r, "j"), "j at " + r.replicaId());
            assertEquals("\"ax\"", value(r, "x"), "x at " + r.replicaId());
            assertEquals(0, r.buffered());
        }
        assertSameState(a, b, List.of("k", "j", "x"));
        assertSameState(a, c, List.of("k", "j", "x"));
        assertEquals(VectorClock.of(Map.of("a", 2L, "b", 2L, "c", 2L)), a.applied());
    }

    @Test
    void everyDeliveryOrderOfTheSameWritesReachesTheSameState() {
        ShardReplica a = replica("a");
        ShardReplica b = replica("b");
        ShardReplica c = replica("c");
        Write a1 = a.put("k", "1", CausalContext.EMPTY, NO_REPLICATION).write();
        b.receive(List.of(a1));
        Write b1 = b.put("k", "2", readContext(b, "k"), NO_REPLICATION).write(); // overwrites a1 causally
        Write c1 = c.put("k", "3", CausalContext.EMPTY, NO_REPLICATION).write(); // concurrent with both
        Write a2 = a.delete("k", CausalContext.EMPTY, NO_REPLICATION).orElseThrow(); // concurrent tombstone
        List<Write> writes = List.of(a1, a2, b1, c1);

        ShardReplica reference = replica("r");
        reference.receive(writes);
        for (List<Write> order : permutations(writes)) {
            ShardReplica observer = replica("o");
            for (Write w : order) {
                observer.receive(List.of(w));
            }
            assertSameState(reference, observer, List.of("k"));
            assertEquals(0, observer.buffered(), "order " + order);
        }
        assertEquals(b1.dot(), reference.read("k").dot(), "b1 ties a2 on Lamport time and wins on replica id");
    }

    @Test
    void aWriteWhoseDependencyIsMissingIsNotVisibleUntilTheDependencyArrives() {
        ShardReplica a = replica("a");
        ShardReplica b = replica("b");
        ShardReplica c = replica("c");
        Write cause = a.put("x", "1", CausalContext.EMPTY, NO_REPLICATION).write();
        b.receive(List.of(cause));
        Write effect = b.put("y", "2", readContext(b, "x"), NO_REPLICATION).write();
        assertEquals(VectorClock.EMPTY.with("a", 1), effect.deps());

        assertEquals(new Receipt(true, 1), c.receive(List.of(effect)),
                "buffered, and held: it waits for a write of another replica's, not for one of b's");
        assertNull(c.read("y"), "y depends on x, which c has not applied");
        assertEquals(1, c.buffered());
        assertEquals(VectorClock.EMPTY, c.applied());
        assertEquals(0, c.liveKeyCount());
        assertFalse(c.satisfies(readContext(b, "y")));

        assertEquals(new Receipt(true, 1), c.receive(List.of(cause)), "a's write applied");
        assertEquals("1", value(c, "x"));
        assertEquals("2", value(c, "y"));
        assertEquals(0, c.buffered());
        assertEquals(2, c.liveKeyCount());
        assertEquals(VectorClock.of(Map.of("a", 1L, "b", 1L)), c.applied());
        assertTrue(c.satisfies(readContext(b, "y")));
    }

    @Test
    void receivingAnAlreadyAppliedWriteChangesNothing() {
        ShardReplica a = replica("a");
        ShardReplica b = replica("b");
        Write first = a.put("k", "1", CausalContext.EMPTY, NO_REPLICATION).write();
        Write second = a.put("k", "2", CausalContext.EMPTY, NO_REPLICATION).write();
        b.receive(List.of(first, second));

        b.receive(List.of(first, second, first));

        assertEquals("2", value(b, "k"));
        assertEquals(0, b.buffered());
        assertEquals(1, b.liveKeyCount());
        assertEquals(a.applied(), b.applied());
    }

    /*
     * Regression: receive() once offered every write to the buffer before delivering anything, so
     * with the buffer full of writes waiting for one missing write, that write itself was refused
     * although deliverable, and replication from its origin stalled until anti-entropy.
     */
    @Test
    void aWriteWhoseDependenciesAreMetIsAppliedEvenWhenTheDeliveryBufferIsFull() {
        ShardReplica b = replica("b");
        int capacity = ShardReplica.DELIVERY_BUFFER_CAPACITY;
        List<Write> waiting = new ArrayList<>(capacity);
        for (long seq = 2; seq <= capacity + 1; seq++) {
            waiting.add(new Write("k" + seq, "1", new Dot("a", seq), seq, VectorClock.EMPTY, CausalContext.EMPTY));
        }
        assertEquals(new Receipt(true, 0), b.receive(waiting));
        assertEquals(capacity, b.buffered(), "every write waits for a:1");
        Write gap = new Write("k1", "1", new Dot("a", 1), 1, VectorClock.EMPTY, CausalContext.EMPTY);

        boolean accepted = b.receive(List.of(gap)).accepted();

        assertTrue(b.applied().covers(gap.dot()), "a:1 is deliverable and must not be refused");
        assertTrue(accepted);
        assertEquals(0, b.buffered());
        assertEquals(VectorClock.EMPTY.with("a", capacity + 1L), b.applied());
        assertEquals(capacity + 1, b.liveKeyCount());
    }

    // ---------------------------------------------------------------- anti-entropy

    @Test
    void antiEntropyBringsALaggingReplicaToTheExactStateIncludingOverwritesAndTombstones() {
        ShardReplica a = replica("a");
        ShardReplica b = replica("b");
        List<Write> log = new ArrayList<>();
        log.add(a.put("k1", "1", CausalContext.EMPTY, NO_REPLICATION).write());     // a:1, received by b
        log.add(a.put("k2", "2", CausalContext.EMPTY, NO_REPLICATION).write());     // a:2
        log.add(a.put("k3", "3", CausalContext.EMPTY, NO_REPLICATION).write());     // a:3, overwritten by a:5
        log.add(a.delete("k1", CausalContext.EMPTY, NO_REPLICATION).orElseThrow()); // a:4, tombstone of what b has
        log.add(a.put("k3", "33", CausalContext.EMPTY, NO_REPLICATION).write());    // a:5
        log.add(a.put("k4", "4", CausalContext.EMPTY, NO_REPLICATION).write());     // a:6, received (buffered) by b
        log.add(a.delete("k2", CausalContext.EMPTY, NO_REPLICATION).orElseThrow()); // a:7, tombstone of a key b never saw
        b.receive(List.of(log.get(0), log.get(5)));
        assertEquals(1, b.buffered());
        assertEquals(1, b.liveKeyCount());

        StateDelta delta = a.changesSince(b.applied(), true);
        assertEquals(4, delta.entries().size(), "the newest version of every key, none covered by b");
        b.merge(delta);

        assertSameState(a, b, List.of("k1", "k2", "k3", "k4"));
        assertEquals(VectorClock.EMPTY.with("a", 7), b.applied());
        assertEquals(2, b.liveKeyCount());
        assertNull(value(b, "k1"));
        assertNull(value(b, "k2"));
        assertEquals("33", value(b, "k3"));
        assertEquals(0, b.buffered(), "the buffered a:6 is covered by the merged clock and discarded");
    }

    @Test
    void changesSinceSendsOnlyEntriesTheOtherClockDoesNotCover() {
        ShardReplica a = replica("a");
        a.put("k1", "1", CausalContext.EMPTY, NO_REPLICATION); // a:1
        a.put("k2", "2", CausalContext.EMPTY, NO_REPLICATION); // a:2
        a.put("k1", "3", CausalContext.EMPTY, NO_REPLICATION); // a:3

        StateDelta delta = a.changesSince(VectorClock.EMPTY.with("a", 2), true);

        assertEquals(a.applied(), delta.clock());
        assertEquals(List.of("k1"), delta.entries().stream().map(StateDelta.KeyedEntry::key).toList());
        assertEquals(new Dot("a", 3), delta.entries().get(0).entry().dot());
        assertTrue(a.changesSince(a.applied(), true).entries().isEmpty());
    }

    @Test
    void aPagedDeltaSendsEveryMissingEntryOnceInBoundedPagesAndTheFirstClockLast() {
        ShardReplica a = replica("a");
        for (int i = 0; i < 5_000; i++) {
            a.put("key" + i, "\"" + i + "\"", CausalContext.EMPTY, NO_REPLICATION);
        }
        ShardReplica b = replica("b");
        java.util.Set<String> seen = new java.util.HashSet<>();
        VectorClock first = null;
        SyncCursor after = null;
        int pages = 0;
        do {
            StateDelta page = a.changesSince(b.applied(), true, after, 700, Long.MAX_VALUE);
            pages++;
            assertTrue(page.entries().size() <= 700, "a page holds " + page.entries().size() + " entries");
            page.entries().forEach(e -> assertTrue(seen.add(e.key()), e.key() + " sent twice"));
            first = first == null ? page.clock() : first;
            if (pages == 2) {
                a.put("late", "1", CausalContext.EMPTY, NO_REPLICATION); // a write during the pull
            }
            b.merge(page.isPartial() ? page : new StateDelta(first, page.entries()));
            assertEquals(page.isPartial() ? VectorClock.EMPTY : first, b.applied(), "the clock is merged after the last page only");
            after = page.next();
        } while (after != null && pages < 100);
        assertEquals(8, pages, "5,000 entries in pages of 700");
        assertEquals(5_000, b.liveKeyCount() - (b.read("late") == null ? 0 : 1), "every entry arrived");
        assertFalse(b.applied().covers(new Dot("a", 5_001)), "the write made during the pull is not claimed");
        assertEquals(List.of("late"), a.changesSince(b.applied(), true).entries().stream().map(StateDelta.KeyedEntry::key).toList(),
                "the next round sends only it");
    }

    @Test
    void aPageIsCutAtItsByteBoundButHoldsOneEntryAtLeast() {
        ShardReplica a = replica("a");
        for (int i = 0; i < 10; i++) {
            a.put("key" + i, "\"" + "x".repeat(1_000) + "\"", CausalContext.EMPTY, NO_REPLICATION);
        }
        StateDelta one = a.changesSince(VectorClock.EMPTY, true, null, 2_000, 10);
        assertEquals(1, one.entries().size(), "a single entry larger than the bound still goes");
        assertTrue(one.isPartial());
        StateDelta some = a.changesSince(VectorClock.EMPTY, true, null, 2_000, 3_500);
        assertTrue(some.entries().size() >= 2 && some.entries().size() < 10, some.entries().size() + " entries of ~1 KB in 3,500 bytes");
    }

    @Test
    void mergeKeepsTheReceiversNewerVersionsAndItsOwnWrites() {
        ShardReplica a = replica("a");
        ShardReplica b = replica("b");
        Write a1 = a.put("k", "from a", CausalContext.EMPTY, NO_REPLICATION).write();
        b.receive(List.of(a1));
        b.put("k", "from b", readContext(b, "k"), NO_REPLICATION); // b:1 supersedes a:1
        b.put("only-b", "x", CausalContext.EMPTY, NO_REPLICATION);  // b:2
        a.put("only-a", "y", CausalContext.EMPTY, NO_REPLICATION);  // a:2

        b.merge(a.changesSince(VectorClock.EMPTY, true)); // sends a:1 again, too

        assertEquals("from b", value(b, "k"));
        assertEquals("x", value(b, "only-b"));
        assertEquals("y", value(b, "only-a"));
        assertEquals(VectorClock.of(Map.of("a", 2L, "b", 2L)), b.applied());
        assertEquals(3, b.liveKeyCount());

        a.merge(b.changesSince(a.applied(), true));
        assertSameState(a, b, List.of("k", "only-a", "only-b"));
    }

    @Test
    void aBufferedWriteIsAppliedOnceAMergeFillsTheGap() {
        ShardReplica a = replica("a");
        ShardReplica b = replica("b");
        a.put("x", "1", CausalContext.EMPTY, NO_REPLICATION); // a:1
        StateDelta upToA1 = a.changesSince(VectorClock.EMPTY, true);
        Write a2 = a.put("y", "2", readContext(a, "x"), NO_REPLICATION).write();

        b.receive(List.of(a2));
        assertEquals(1, b.buffered());
        assertNull(b.read("y"));

        b.merge(upToA1);

        assertEquals(0, b.buffered());
        assertEquals("1", value(b, "x"));
        assertEquals("2", value(b, "y"));
        assertEquals(VectorClock.EMPTY.with("a", 2), b.applied());
        assertSameState(a, b, List.of("x", "y"));
    }

    @Test
    void localWritesAfterAMergeOutrankEverythingMerged() {
        ShardReplica a = replica("a");
        ShardReplica z = replica("z");
        for (int i = 0; i < 5; i++) {
            z.put("k", "z" + i, CausalContext.EMPTY, NO_REPLICATION); // Lamport times 1..5
        }
        a.merge(z.changesSince(VectorClock.EMPTY, true));

        ShardReplica.LocalWrite write = a.put("k", "a", readContext(a, "k"), NO_REPLICATION);

        assertEquals(WriteOutcome.REPLACED, write.outcome());
        assertTrue(write.write().lamport() > 5, "the merged Lamport time must advance this replica's clock");
        assertEquals("a", value(a, "k"));
        z.receive(List.of(write.write()));
        assertEquals("a", value(z, "k"), "a causally later write wins everywhere");
    }

    // ---------------------------------------------------------------- helpers

    private static <T> List<List<T>> permutations(List<T> items) {
        if (items.isEmpty()) {
            return List.of(List.of());
        }
        List<List<T>> result = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<T> rest = new ArrayList<>(items);
            T head = rest.remove(i);
            for (List<T> tail : permutations(rest)) {
                List<T> permutation = new ArrayList<>();
                permutation.add(head);
                permutation.addAll(tail);
                result.add(permutation);
            }
        }
        return result;
    }

    @Test
    void aWriteGivesItsClientTheHistoryItsReadersGet() {
        ShardReplica a = replica("a");
        CausalContext other = contextOf(OTHER_SHARD, EPOCH, "x", 3);
        Write put = a.put("k", "1", other, NO_REPLICATION).write();
        assertEquals(a.historyOf(a.read("k")), a.historyOf(put));
        Write tombstone = a.delete("k", CausalContext.EMPTY, NO_REPLICATION).orElseThrow();
        assertEquals(a.historyOf(a.read("k")), a.historyOf(tombstone));
    }
}
