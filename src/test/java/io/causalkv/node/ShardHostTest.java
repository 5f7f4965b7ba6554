package io.causalkv.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.causal.CausalContext;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.replication.LocalShard;
import io.causalkv.replication.ReplicaFrozenException;
import io.causalkv.replication.StateDelta;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The receiving side of a reshard on one node, without a network: staging freezes writes,
 * a competing proposal is refused, abort and commit end the freeze, and the staged replica
 * (filled by hand-over) becomes the one the node serves; and when a replica that lacks its
 * shard's state may serve.
 */
class ShardHostTest {

    private final List<NodeAddress> view = new ArrayList<>();
    private final AtomicLong clock = new AtomicLong();
    private final PeerReports reports = new PeerReports();
    private NodeAddress self;
    private Membership membership;
    private ShardHost host;

    @BeforeEach
    void sixNodesInTwoShards() {
        for (int i = 0; i < 6; i++) {
            view.add(NodeAddress.parse("10.0.0." + (i + 1) + ":8090"));
        }
        self = view.get(0);
        membership = new Membership(self, ClusterMap.initial(view, 2), clock::get);
        host = new ShardHost(self, "test", null, membership, reports, null); // no peer calls in these tests
        membership.onChange(map -> host.follow());
        host.follow();
        host.current().markReady(); // as after the start-up join
    }

    @AfterEach
    void close() {
        host.close();
    }

    private void write(LocalShard shard, String key) {
        shard.replica().put(key, "1", CausalContext.EMPTY, w -> { });
    }

    @Test
    void tombstonesWaitAtLeastAsLongAsARetiredReplicaHandsOverLateWrites() {
        assertTrue(io.causalkv.replication.LocalShard.HOLDERS_QUIET_NANOS >= RetiredShards.RETIRE_CAP_NANOS,
                "a late hand-over of a write that loses to a delete must find the tombstone there");
    }

    @Test
    void stagingFreezesWritesAndACompetingProposalIsRefused() {
        LocalShard before = host.current();
        assertEquals(new ShardRef(1, ClusterMap.FIRST_SHARDED_EPOCH), before.ref());
        ClusterMap intoThree = membership.map().resharded(3);
        ClusterMap intoTwo = membership.map().resharded(2);

        assertTrue(host.stage(intoThree, "p3"));
        assertTrue(host.stage(intoThree, "p3"), "staging is idempotent");
        assertThrows(ReplicaFrozenException.class, () -> write(before, "k"));
        assertFalse(host.stage(intoTwo, "p2"), "a second proposal for the same epoch must not replace the first");

        host.abort(intoTwo, "p2"); // the loser's abort leaves the winner staged
        assertThrows(ReplicaFrozenException.class, () -> write(before, "k"));
        host.abort(intoThree, "p3");
        write(before, "k");
        assertSame(before, host.current());

        assertFalse(host.stage(intoThree, "p3"), "the abandoned proposal's STAGE, read after its ABORT");
        assertTrue(host.stage(intoThree, "p3-retry"), "a retry proposes the same layout under a new id");
        assertThrows(ReplicaFrozenException.class, () -> write(before, "k"));
        host.abort(intoThree, "p3-retry");
    }

    @Test
    void aStageWhoseCoordinatorFailedIsDroppedOnceFailureDetectionGivesUpOnIt() {
        LocalShard before = host.current();
        NodeAddress coordinator = view.get(1);
        membership.health(coordinator).succeeded(clock.get());
        ClusterMap intoThree = membership.map().resharded(3);
        assertTrue(host.stage(intoThree, coordinator + "/1"));
        membership.health(coordinator).failed(); // it stopped answering
        clock.addAndGet(io.causalkv.cluster.PeerHealth.FAILED_AFTER_NANOS - 1);
        host.maintain();
        assertThrows(ReplicaFrozenException.class, () -> write(before, "k"), "not yet: it may only be slow");
        clock.incrementAndGet();
        host.maintain();
        write(before, "k"); // the stage is dropped: writes are taken again
        assertSame(before, host.current());
    }

    @Test
    void theCommittedLayoutServesFromTheStagedReplicaWithTheHandedOverKeys() {
        LocalShard before = host.current();
        write(before, "old");
        ClusterMap intoThree = membership.map().resharded(3);
        assertTrue(host.stage(intoThree, "p3"));
        int shard = intoThree.shardOf(self);
        ShardRef staged = new ShardRef(shard, intoThree.layout().epoch());
        assertFalse(host.receiveHandoff(new ShardRef(shard + 1, staged.epoch()), List.of()), "not this node's shard");
        // The only participant is this node: its keys go to itself, the other members are not sent anything.
        assertTrue(host.transfer(new io.causalkv.transport.ReshardStep(io.causalkv.transport.ReshardStep.Phase.TRANSFER, intoThree, List.of(self), "p3")));
        boolean oldIsMine = intoThree.layout().shardOf("old") == shard;

        membership.propose(m -> m.merge(intoThree));
        LocalShard after = host.current();
        assertEquals(staged, after.ref());
        assertTrue(after.isReady(), "a participant's replica was filled before the commit");
        assertEquals(oldIsMine, after.replica().read("old") != null, "holds exactly the keys of its new shard");
        write(after, "new"); // the new layout takes writes
        assertThrows(ReplicaFrozenException.class, () -> write(before, "late"), "the old replica is retired");
        if (oldIsMine) {
            io.causalkv.causal.CausalContext history = after.replica().historyOf(after.replica().read("old"));
            assertTrue(history.shards().isEmpty(), "a handed-over entry carries no clocks in the new epoch: " + history);
            assertEquals(after.replica().read("old").lamport(), history.lamport(), "only its time");
            assertTrue(after.replica().read("new").lamport() > after.replica().read("old").lamport(),
                    "writes in the new layout supersede what was handed over");
        }
    }

    @Test
    void aNodeThatStagedButTookNoPartInTheTransferFetchesItsShardAfterTheCommit() {
        ClusterMap intoThree = membership.map().resharded(3);
        assertTrue(host.stage(intoThree, "p3")); // its TRANSFER never came (it answered STAGE too late)
        membership.propose(m -> m.merge(intoThree));
        assertEquals(intoThree.layout().epoch(), host.current().ref().epoch());
        assertFalse(host.current().isReady(), "its staged replica may lack keys: it must fetch them first");
    }

    @Test
    void aReplicaThatCannotFetchItsShardDoesNotTransfer() {
        ShardHost fresh = new ShardHost(self, "fresh", null, new Membership(self, membership.map(), clock::get), new PeerReports(), null);
        fresh.follow(); // not ready: it has not fetched its shard yet, and no peer answers here
        ClusterMap intoThree = membership.map().resharded(3);
        assertTrue(fresh.stage(intoThree, "p3"));
        assertFalse(fresh.transfer(new io.causalkv.transport.ReshardStep(io.causalkv.transport.ReshardStep.Phase.TRANSFER, intoThree, List.of(self), "p3")), "it might lack keys that only it would hand over");
        fresh.close();
    }

    @Test
    void anUnassignedNodeHostsNothingAndStagesNothing() {
        NodeAddress newcomer = NodeAddress.parse("10.0.0.9:8090");
        membership.propose(m -> m.withMember(newcomer));
        ShardHost other = new ShardHost(newcomer, "test", null, new Membership(newcomer, membership.map(), clock::get), new PeerReports(), null);
        other.follow();
        assertNull(other.current());
        assertFalse(other.receiveHandoff(new ShardRef(1, ClusterMap.FIRST_SHARDED_EPOCH), List.of()));
        other.close();
    }

    // ---- start-up: ready only with the shard's state (issue 16, item 2) ----------------------

    private ShardHost starting(PeerReports heard) {
        ShardHost fresh = new ShardHost(self, "fresh", null, new Membership(self, membership.map(), clock::get), heard, null);
        fresh.follow();
        return fresh;
    }

    private void report(PeerReports heard, NodeAddress peer, ShardRef shard, boolean ready) {
        heard.heard(peer, new io.causalkv.replication.ShardStatus(shard, io.causalkv.causal.VectorClock.EMPTY, 0, ready), clock.get());
    }

    @Test
    void aReplicaWaitsForAMemberItHeardFromUntilThatOneSaysItIsStarting() {
        PeerReports heard = new PeerReports();
        Membership own = new Membership(self, membership.map(), clock::get);
        ShardHost fresh = new ShardHost(self, "fresh", null, own, heard, null);
        fresh.follow();
        LocalShard shard = fresh.current();
        for (NodeAddress peer : shard.peers()) {
            own.health(peer).heardFrom(clock.get()); // alive, but has not reported its replica
        }
        assertFalse(fresh.becomeReady(shard), "its peers may hold the shard: it must not serve an empty replica");
        clock.addAndGet(60_000_000_000L); // however long (until failure detection removes them)
        assertFalse(fresh.becomeReady(shard));
        fresh.close();
    }

    @Test
    void aMemberNeverHeardFromIsPresumedNotStartedAfterTheWait() {
        ShardHost fresh = starting(new PeerReports());
        assertFalse(fresh.becomeReady(fresh.current()), "a member may hold the shard and just have missed the probe");
        clock.addAndGet(ShardHost.UNHEARD_MEMBER_WAIT_NANOS - 1);
        assertFalse(fresh.becomeReady(fresh.current()));
        clock.incrementAndGet();
        assertTrue(fresh.becomeReady(fresh.current()), "never heard from since this node started: a new cluster's node not started yet");
        fresh.close();
    }

    /**
     * A replica that came back from its log (issue 18) holds the shard as it left it: it does
     * not wait for members it has not heard from, as an empty one must (above).
     */
    @Test
    void aReplicaRestoredFromItsLogDoesNotWaitForMembersNeverHeardFrom(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        ShardRef ref = new ShardRef(membership.map().shardOf(self), membership.map().layout().epoch());
        try (io.causalkv.durability.DataDirectory data = io.causalkv.durability.DataDirectory.open(dir, self.toString(),
                io.causalkv.durability.WriteAheadLog.Sync.NONE)) {
            ShardHost empty = new ShardHost(self, "empty", null, new Membership(self, membership.map(), clock::get), new PeerReports(), data);
            empty.follow();
            assertFalse(empty.becomeReady(empty.current()), "an empty replica waits, with a data directory or not");
            write(empty.current(), "kept");
            empty.close();
        }
        try (io.causalkv.durability.DataDirectory data = io.causalkv.durability.DataDirectory.open(dir, self.toString(),
                io.causalkv.durability.WriteAheadLog.Sync.NONE)) {
            ShardHost restored = new ShardHost(self, "again", null, new Membership(self, membership.map(), clock::get), new PeerReports(), data);
            restored.follow();
            assertEquals(ref, restored.current().ref());
            assertEquals("1", restored.current().replica().read("kept").value());
            assertTrue(restored.becomeReady(restored.current()), "restored from its log: ready without waiting");
            restored.close();
        }
    }

    @Test
    void aNewShardStartsEmptyOnceEveryOtherMemberSaysItIsStartingToo() {
        PeerReports heard = new PeerReports();
        ShardHost fresh = starting(heard);
        LocalShard shard = fresh.current();
        List<NodeAddress> peers = shard.peers();
        assertFalse(peers.isEmpty());
        clock.incrementAndGet();
        for (int i = 0; i < peers.size() - 1; i++) {
            report(heard, peers.get(i), shard.ref(), false);
        }
        assertFalse(fresh.becomeReady(shard), "one member has not said it is starting");
        report(heard, peers.get(peers.size() - 1), shard.ref(), false);
        assertTrue(fresh.becomeReady(shard), "no member has the shard's state: it is a new shard");
        fresh.close();
    }

    @Test
    void aMemberThatHasTheStateOrAnOldReportIsNotAgreement() {
        PeerReports heard = new PeerReports();
        List<NodeAddress> peers = membership.map().shardMembers(membership.map().shardOf(self)).stream()
                .filter(p -> !p.equals(self)).toList();
        ShardRef ref = new ShardRef(membership.map().shardOf(self), membership.map().layout().epoch());
        report(heard, peers.get(0), ref, false); // heard before the replica was made: may be stale
        clock.incrementAndGet();
        ShardHost fresh = starting(heard);
        clock.incrementAndGet();
        for (int i = 1; i < peers.size(); i++) {
            report(heard, peers.get(i), ref, false);
        }
        assertFalse(fresh.becomeReady(fresh.current()), "a report from before this replica existed does not count");
        report(heard, peers.get(0), ref, true);
        assertFalse(fresh.becomeReady(fresh.current()), "a member has the shard's state: fetch it, do not start empty");
        report(heard, peers.get(0), new ShardRef(ref.shard(), ref.epoch() + 1), false);
        assertFalse(fresh.becomeReady(fresh.current()), "a replica of another layout says nothing about this one");
        fresh.close();
    }
}
