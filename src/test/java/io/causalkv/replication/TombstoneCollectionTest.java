package io.causalkv.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.causal.CausalContext;
import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.store.Entry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Tombstone collection on the shard's stability frontier (issue 17: 2,000 deletes left 2,000
 * tombstones on every node for good). Three replicas of one shard, A, B and C, in one process;
 * B collects, from the reports it is given. What must never happen: a tombstone dropped while
 * some copy of an older value can still arrive, which then comes back to life where it lands.
 */
class TombstoneCollectionTest {

    private static final NodeAddress A = NodeAddress.parse("10.0.0.1:8090");
    private static final NodeAddress B = NodeAddress.parse("10.0.0.2:8090");
    private static final NodeAddress C = NodeAddress.parse("10.0.0.3:8090");
    private static final java.util.function.Consumer<Write> KEEP = write -> { };

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final Membership membership = new Membership(B, ClusterMap.initial(List.of(A, B, C)), clock::get);
    /** Wall clocks that stand still: write times follow Lamport's rule alone. */
    private final ShardReplica a = new ShardReplica(A + "@ia.1", 1, 1, () -> 0L);
    private final ShardReplica b = new ShardReplica(B + "@ib.1", 1, 1, () -> 0L);
    private final ShardReplica c = new ShardReplica(C + "@ic.1", 1, 1, () -> 0L);
    private final AtomicReference<LocalShard.Holders> holders =
            new AtomicReference<>(new LocalShard.Holders(Set.of(A, C), clock.get()));
    private final AntiEntropy atB = new AntiEntropy(B, new NoPeerCalls(), membership, b, () -> List.of(A, C), () -> true, holders::get);


    private static Write put(ShardReplica at, String key, String value) {
        return at.put(key, value, CausalContext.EMPTY, KEEP).write();
    }

    /** B hears from A and C, as heartbeats would tell it, and runs a round of collection. */
    private int round() {
        atB.observe(A, ShardStatus.of(a, true));
        atB.observe(C, ShardStatus.of(c, true));
        return atB.collectTombstones();
    }

    private int rounds(int n) {
        int collected = 0;
        for (int i = 0; i < n; i++) {
            collected += round();
        }
        return collected;
    }

    @Test
    void aTombstoneGoesOnlyOnceEveryHolderHasItAndEveryWriteThatLosesToIt() {
        Write first = put(a, "k", "1");
        b.receive(List.of(first));
        c.receive(List.of(first));
        List<Write> later = List.of(put(a, "x", "1"), put(a, "y", "1")); // C misses these for now
        b.receive(later);
        Write concurrent = put(c, "k", "from C"); // C has not seen the delete: older time than it
        Write delete = a.delete("k", CausalContext.EMPTY, KEEP).orElseThrow();
        b.receive(List.of(delete));
        assertTrue(delete.lamport() > concurrent.lamport(), "the delete wins over C's write wherever both are");

        assertEquals(0, rounds(3), "C has not applied the delete");
        assertEquals(1, b.tombstoneCount());

        List<Write> toC = new ArrayList<>(later);
        toC.add(delete);
        c.receive(toC);
        assertNull(c.read("k").value(), "at C the delete beats C's own write");
        assertEquals(0, rounds(3), "every holder has the delete, but C's write that loses to it is still on its way to A and B");
        assertEquals(1, b.tombstoneCount());

        b.receive(List.of(concurrent));
        a.receive(List.of(concurrent));
        assertNull(b.read("k").value(), "C's write came and lost to the tombstone");
        assertEquals(1, rounds(3), "stable now");
        assertEquals(0, b.tombstoneCount());
        assertNull(b.read("k"), "gone, not merely deleted");

        b.receive(List.of(concurrent, first)); // a late duplicate of anything covered changes nothing
        assertNull(b.read("k"));
        assertEquals(0, b.liveKeyCount() - 2, "x and y stay");
    }

    @Test
    void aHolderRemovedFromTheViewKeepsEveryTombstoneItLacksUntilItCatchesUp() {
        Write first = put(a, "k", "1");
        b.receive(List.of(first));
        c.receive(List.of(first));
        ShardStatus cBeforeTheCut = ShardStatus.of(c, true);
        Write delete = a.delete("k", CausalContext.EMPTY, KEEP).orElseThrow();
        b.receive(List.of(delete));

        // C is cut off, so no longer a member, but it keeps its place: its last report stands.
        AntiEntropy withoutC = new AntiEntropy(B, new NoPeerCalls(), membership, b, () -> List.of(A), () -> true, holders::get);
        for (int i = 0; i < 5; i++) {
            withoutC.observe(A, ShardStatus.of(a, true));
            withoutC.observe(C, cBeforeTheCut);
            assertEquals(0, withoutC.collectTombstones(), "C may come back holding the old value");
        }
        assertEquals("1", c.read("k").value());

        c.receive(List.of(delete)); // the heal: C catches up
        int collected = 0;
        for (int i = 0; i < 3; i++) {
            withoutC.observe(A, ShardStatus.of(a, true));
            withoutC.observe(C, ShardStatus.of(c, true));
            collected += withoutC.collectTombstones();
        }
        assertEquals(1, collected);
    }

    @Test
    void aHolderNeverHeardFromOrNotReadyHoldsEveryTombstone() {
        Write first = put(a, "k", "1");
        b.receive(List.of(first));
        Write delete = a.delete("k", CausalContext.EMPTY, KEEP).orElseThrow();
        b.receive(List.of(delete));
        for (int i = 0; i < 3; i++) {
            atB.observe(A, ShardStatus.of(a, true));
            assertEquals(0, atB.collectTombstones(), "C never reported");
        }
        c.receive(List.of(first, delete));
        for (int i = 0; i < 3; i++) {
            atB.observe(A, ShardStatus.of(a, true));
            atB.observe(C, ShardStatus.of(c, false));
            assertEquals(0, atB.collectTombstones(), "C is still fetching its shard");
        }
        assertEquals(1, rounds(3));
    }

    @Test
    void aWriteHeldUnappliedAtAHolderHoldsTheTombstonesItCouldLoseTo() {
        Write first = put(a, "k", "1");
        b.receive(List.of(first));
        c.receive(List.of(first));
        List<Write> later = List.of(put(a, "x", "1"), put(a, "y", "1"));
        Write fromC = put(c, "k", "from C"); // concurrent with the delete, older in time
        Write delete = a.delete("k", CausalContext.EMPTY, KEEP).orElseThrow();
        assertTrue(delete.lamport() > fromC.lamport());
        a.stage(C, List.of(fromC)); // A holds C's write unseen: C was reconnecting
        b.receive(later);
        b.receive(List.of(delete));
        // C's process dies with its write on no other clock; it restarts and fetches B's state.
        ShardReplica newC = new ShardReplica(C + "@ic2.1", 1, 1, () -> 0L);
        newC.merge(b.changesSince(VectorClock.EMPTY, true));
        assertEquals(a.applied(), b.applied());
        assertEquals(b.applied(), newC.applied(), "every applied clock is the same; only A's held writes differ");

        for (int i = 0; i < 3; i++) {
            atB.observe(A, ShardStatus.of(a, true));
            atB.observe(C, ShardStatus.of(newC, true));
            assertEquals(0, atB.collectTombstones(), "A may still show C's write, and it must lose to the tombstone");
        }
        a.releaseStaged(node -> true); // C's node is stable again
        assertNull(a.read("k").value(), "at A, C's write lost to the delete");
        b.merge(a.changesSince(b.applied(), false)); // anti-entropy
        newC.merge(a.changesSince(newC.applied(), false));
        int collected = 0;
        for (int i = 0; i < 3; i++) {
            atB.observe(A, ShardStatus.of(a, true));
            atB.observe(C, ShardStatus.of(newC, true));
            collected += atB.collectTombstones();
        }
        assertEquals(1, collected);
        assertNull(b.read("k"));
    }

    @Test
    void sealingAnIncarnationDropsWhatIsHeldOfItBeyondItsLastWrite() {
        ShardReplica old = new ShardReplica(C + "@ic.1", 1, 1, () -> 0L);
        Write one = put(old, "j", "1");
        put(old, "j", "2"); // lost with the process
        Write three = put(old, "j", "3");
        b.receive(List.of(one, three)); // three waits for two, for ever
        assertEquals(VectorClock.EMPTY.with(old.replicaId(), 3), b.held());
        b.seal(old.replicaId(), 1);
        assertEquals(VectorClock.EMPTY, b.held(), "it could never apply: kept, it would hold every tombstone back");
        assertEquals(0, b.buffered());
    }

    @Test
    void nothingGoesInTheQuietTimeAfterTheHoldersChange() {
        Write first = put(a, "k", "1");
        Write delete = a.delete("k", CausalContext.EMPTY, KEEP).orElseThrow();
        b.receive(List.of(first, delete));
        c.receive(List.of(first, delete));
        holders.set(new LocalShard.Holders(Set.of(A, C), clock.get() + LocalShard.HOLDERS_QUIET_NANOS));
        assertEquals(0, rounds(3), "a departed member's late hand-over could still bring an older value");
        clock.addAndGet(LocalShard.HOLDERS_QUIET_NANOS);
        assertEquals(1, rounds(3));
    }

    @Test
    void onlyTombstonesOfThisEpochThatTheFrontierCoversGoAndNotWhileFrozen() {
        put(b, "k", "1");
        Write delete = b.delete("k", CausalContext.EMPTY, KEEP).orElseThrow();
        put(b, "gone", "1");
        b.delete("gone", CausalContext.EMPTY, KEEP);
        b.importEntries(List.of(new StateDelta.KeyedEntry("imported",
                new Entry(null, new io.causalkv.causal.Dot("old-epoch", 1), 1, CausalContext.EMPTY))));
        assertEquals(3, b.tombstoneCount());

        b.freeze();
        assertEquals(0, b.collectTombstones(b.applied()), "frozen: its keys are being handed over");
        b.unfreeze();
        assertEquals(1, b.collectTombstones(VectorClock.EMPTY.with(b.replicaId(), delete.dot().seq())),
                "only what the frontier covers: k, not gone");
        assertNull(b.read("k"));
        assertEquals(1, b.collectTombstones(b.applied()));
        assertNull(b.read("gone"));
        assertEquals(1, b.tombstoneCount(), "the imported tombstone stays: no clock of this epoch covers it");
    }

    @Test
    void aLateHandOverOfAValueWhoseDeleteWasCollectedDoesNotBringItBack() {
        Write first = put(a, "k", "1");
        Write delete = a.delete("k", CausalContext.EMPTY, KEEP).orElseThrow();
        b.receive(List.of(first, delete));
        c.receive(List.of(first, delete));
        assertEquals(1, rounds(3));
        assertNull(b.read("k"));
        // A member that departed while it still held the old value retires its replica and hands
        // over everything it had: the value's write is one B applied long ago.
        b.importEntries(List.of(new StateDelta.KeyedEntry("k", new Entry("1", first.dot(), first.lamport(), CausalContext.EMPTY))));
        assertNull(b.read("k"), "a write already applied here is not taken again");
    }

    @Test
    void theFrontierMovesUnderConstantLoadARoundOrTwoBehind() {
        StabilityFrontier frontier = new StabilityFrontier();
        // Each round every holder is one write of each other's behind: no floor ever equals a merge.
        VectorClock stable = VectorClock.EMPTY;
        for (long r = 1; r <= 6; r++) {
            VectorClock x = VectorClock.EMPTY.with("a", 2 * r).with("b", 2 * r - 1);
            VectorClock y = VectorClock.EMPTY.with("a", 2 * r - 1).with("b", 2 * r);
            stable = frontier.advance(List.of(x, y));
        }
        assertEquals(VectorClock.EMPTY.with("a", 9).with("b", 9), stable, "round 5's floor, covered by round 6's");
        frontier.reset();
        assertEquals(VectorClock.EMPTY, frontier.advance(List.of(VectorClock.EMPTY.with("a", 100))),
                "after a reset, a round alone says nothing");
    }
}
