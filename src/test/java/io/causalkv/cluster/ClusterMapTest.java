package io.causalkv.cluster;

import static io.causalkv.cluster.ClusterMap.FIRST_SHARDED_EPOCH;
import static io.causalkv.cluster.ClusterMap.NO_SHARD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ClusterMapTest {

    private static final NodeAddress A = NodeAddress.parse("10.0.0.1:8090");
    private static final NodeAddress B = NodeAddress.parse("10.0.0.2:8090");
    private static final NodeAddress C = NodeAddress.parse("10.0.0.3:8090");
    private static final NodeAddress D = NodeAddress.parse("10.0.0.4:8090");
    private static final NodeAddress NEWCOMER = NodeAddress.parse("10.0.1.1:8090");

    /**
     * A VIEW of {@code count} nodes (at most 9) listed in descending address order, so that cluster
     * order and address order differ.
     */
    private static List<NodeAddress> view(int count) {
        return IntStream.range(0, count).mapToObj(i -> NodeAddress.parse("10.0.0." + (count - i) + ":8090")).toList();
    }

    private static List<NodeAddress> pick(List<NodeAddress> nodes, int... indexes) {
        return IntStream.of(indexes).mapToObj(nodes::get).toList();
    }

    private static List<Integer> shardSizes(ClusterMap map) {
        return map.shardIds().stream().map(shard -> map.shardMembers(shard).size()).toList();
    }

    /** API.md 9.3: every member in exactly the shard it reports, and the shards hold only members. */
    private static void assertEveryMemberIsInItsShard(ClusterMap map) {
        List<NodeAddress> inShards = new ArrayList<>();
        for (int shard : map.shardIds()) {
            for (NodeAddress node : map.shardMembers(shard)) {
                assertEquals(shard, map.shardOf(node), node.toString());
                inShards.add(node);
            }
        }
        assertEquals(map.members().stream().sorted(Comparator.comparing(NodeAddress::toString)).toList(),
                inShards.stream().sorted(Comparator.comparing(NodeAddress::toString)).toList());
    }

    @Test
    void theLayoutsHoldersKeepNodesRemovedByFailureDetectionButNotDepartedOrUnassignedOnes() {
        ClusterMap map = ClusterMap.initial(view(4), 2).withMember(NEWCOMER); // the newcomer is unassigned
        ClusterMap removed = map.withoutMember(view(4).get(1), false).withoutMember(view(4).get(2), true);
        java.util.Set<NodeAddress> holders = new java.util.HashSet<>(removed.layoutHolders());
        assertEquals(java.util.Set.of(view(4).get(0), view(4).get(1), view(4).get(3)), holders,
                "a removed node keeps its place (it may be alive across a partition); a departed one does not");
        assertEquals(4, ClusterMap.initial(view(4)).layoutHolders().size(), "a replicated cluster: every node");
        // Per shard (whose clocks decide when a tombstone may go): shard 2 is nodes 1 and 3.
        assertEquals(java.util.Set.of(view(4).get(1), view(4).get(3)), new java.util.HashSet<>(removed.shardHolders(2)));
        assertEquals(List.of(view(4).get(3)), removed.shardMembers(2), "only one of them is a member now");
        assertEquals(List.of(view(4).get(0)), removed.shardHolders(1), "the departed node left shard 1");
        assertEquals(List.of(), removed.shardHolders(ClusterMap.NO_SHARD));
    }

    @Test
    void theInitialMapKeepsTheViewOrder() {
        assertEquals(List.of(C, A, B), ClusterMap.initial(List.of(C, A, B)).members());
    }

    @Test
    void derivedViewsAreOfTheirOwnMapAndAShardOutsideTheLayoutHasNoMembers() {
        ClusterMap map = ClusterMap.initial(view(4), 2);
        List<NodeAddress> shardOne = map.shardMembers(1);
        assertEquals(pick(view(4), 0, 2), shardOne);
        ClusterMap without = map.withoutMember(view(4).get(2), false);
        assertEquals(pick(view(4), 0), without.shardMembers(1));     // a new map, its own views
        assertEquals(pick(view(4), 0, 2), map.shardMembers(1));       // the old map's unchanged
        assertEquals(List.of(), map.shardMembers(0));
        assertEquals(List.of(), map.shardMembers(3));
        assertEquals(ClusterMap.initial(view(4), 2), map);              // equality is by value
        assertEquals(ClusterMap.initial(view(4), 2).hashCode(), map.hashCode());
    }

    @Test
    void concurrentChangesAtDifferentNodesAreBothKept() {
        ClusterMap start = ClusterMap.initial(List.of(A, B, C));
        ClusterMap atA = start.withoutMember(C, false);   // A's failure detector removes C
        ClusterMap atB = start.withMember(D);             // meanwhile B admits D
        assertEquals(List.of(A, B, D), atA.merge(atB).members());
        assertEquals(atA.merge(atB), atB.merge(atA));
    }

    @Test
    void mergeIsIdempotentAndAnUnchangedMergeIsTheSameObject() {
        ClusterMap map = ClusterMap.initial(List.of(A, B)).withMember(C);
        assertSame(map, map.merge(map));
        assertSame(map, map.merge(ClusterMap.initial(List.of(A, B))));
    }

    @Test
    void aRemovalWinsAgainstTheSameVersionStillAlive() {
        ClusterMap start = ClusterMap.initial(List.of(A, B));
        assertFalse(start.merge(start.withoutMember(B, false)).isMember(B));
        assertFalse(start.withoutMember(B, false).merge(start).isMember(B));
    }

    @Test
    void aRemovedNodeThatRejoinsIsAppendedAgainAndWinsOverItsRemoval() {
        ClusterMap removed = ClusterMap.initial(List.of(A, B, C)).withoutMember(A, false);
        ClusterMap rejoined = removed.withMember(A);
        assertEquals(List.of(B, C, A), rejoined.members());
        assertEquals(List.of(B, C, A), removed.merge(rejoined).members());
        assertEquals(ClusterMap.Status.ALIVE, rejoined.entry(A).status());
    }

    @Test
    void aDepartureByRequestIsMarkedDeparted() {
        ClusterMap departed = ClusterMap.initial(List.of(A, B)).withoutMember(B, true);
        assertEquals(ClusterMap.Status.DEPARTED, departed.entry(B).status());
        assertTrue(departed.withMember(B).isMember(B), "a PUT /view admits it again");
    }

    // ---- shards ------------------------------------------------------------------------------

    @Test
    void sixNodesAreDealtRoundRobinIntoTwoShardsInViewOrder() {
        List<NodeAddress> view = view(6);
        ClusterMap map = ClusterMap.initial(view, 2);
        assertEquals(Layout.sharded(FIRST_SHARDED_EPOCH, 2), map.layout());
        assertEquals(List.of(1, 2), map.shardIds());
        assertEquals(view, map.members());
        assertEquals(pick(view, 0, 2, 4), map.shardMembers(1));
        assertEquals(pick(view, 1, 3, 5), map.shardMembers(2));
        for (int i = 0; i < 6; i++) {
            assertEquals(i % 2 + 1, map.shardOf(view.get(i)), "node " + i);
        }
    }

    @Test
    void sevenNodesIntoThreeShardsMakeShardsOfThreeTwoAndTwo() {
        List<NodeAddress> view = view(7);
        ClusterMap map = ClusterMap.initial(view, 3);
        assertEquals(FIRST_SHARDED_EPOCH, map.layout().epoch());
        assertEquals(List.of(1, 2, 3), map.shardIds());
        assertEquals(pick(view, 0, 3, 6), map.shardMembers(1));
        assertEquals(pick(view, 1, 4), map.shardMembers(2));
        assertEquals(pick(view, 2, 5), map.shardMembers(3));
        for (int i = 0; i < 7; i++) {
            assertEquals(i % 3 + 1, map.shardOf(view.get(i)), "node " + i);
        }
        assertEveryMemberIsInItsShard(map);
    }

    @Test
    void aReplicatedClusterIsOneShardOfEveryAliveMember() {
        List<NodeAddress> view = view(4);
        ClusterMap map = ClusterMap.initial(view).withoutMember(view.get(1), false).withMember(NEWCOMER);
        assertEquals(Layout.REPLICATED, map.layout());
        assertEquals(List.of(1), map.shardIds());
        assertEquals(List.of(view.get(0), view.get(2), view.get(3), NEWCOMER), map.shardMembers(1));
        assertEquals(1, map.shardOf(NEWCOMER), "in a replicated cluster a joining node needs no assignment");
        assertEquals(NO_SHARD, map.shardOf(view.get(1)), "a removed node is in no shard");
        assertEquals(NO_SHARD, map.shardOf(NodeAddress.parse("10.9.9.9:8090")));
    }

    @Test
    void aReplicatedMapMergedWithAShardedMapOfTheSameNodesBecomesSharded() {
        // A node started without SHARD_COUNT learns the layout of the sharded cluster (API.md 2.2).
        List<NodeAddress> view = view(6);
        ClusterMap replicated = ClusterMap.initial(view);
        ClusterMap sharded = ClusterMap.initial(view, 2);
        assertEquals(sharded, replicated.merge(sharded));
        assertEquals(sharded, sharded.merge(replicated));
        assertEquals(pick(view, 1, 3, 5), replicated.merge(sharded).shardMembers(2));
    }

    @Test
    void aNewNodeJoinsUnassignedAndAnAddMemberPutsItLastInItsShard() {
        List<NodeAddress> view = view(6);
        ClusterMap joined = ClusterMap.initial(view, 2).withMember(NEWCOMER);
        assertEquals(NEWCOMER, joined.members().get(6));
        assertEquals(NO_SHARD, joined.shardOf(NEWCOMER));
        assertEquals(NO_SHARD, joined.assignedShard(NEWCOMER));
        assertEquals(List.of(3, 3), shardSizes(joined));

        ClusterMap added = joined.withShardMember(NEWCOMER, 2);
        assertEquals(2, added.shardOf(NEWCOMER));
        assertEquals(List.of(view.get(1), view.get(3), view.get(5), NEWCOMER), added.shardMembers(2));
        assertEquals(pick(view, 0, 2, 4), added.shardMembers(1));
        assertEveryMemberIsInItsShard(added);
        // Gossip carries the assignment: the map without it takes it on merge.
        assertEquals(added, joined.merge(added));
    }

    @Test
    void anAddMemberOfAnUnknownShardOrOfANodeNotInTheViewChangesNothing() {
        List<NodeAddress> view = view(6);
        ClusterMap map = ClusterMap.initial(view, 2).withMember(NEWCOMER).withoutMember(view.get(0), false);
        assertSame(map, map.withShardMember(NEWCOMER, 3));
        assertSame(map, map.withShardMember(NEWCOMER, 0));
        assertSame(map, map.withShardMember(NEWCOMER, -1));
        assertSame(map, map.withShardMember(view.get(0), 2), "removed by failure detection");
        assertSame(map, map.withShardMember(NodeAddress.parse("10.9.9.9:8090"), 1), "never heard of");
        assertSame(map, map.withShardMember(view.get(1), 2), "already there");
        ClusterMap departed = map.withoutMember(view.get(2), true);
        assertSame(departed, departed.withShardMember(view.get(2), 1));
    }

    @Test
    void aNodeRemovedByFailureKeepsItsShardAndReturnsToItLast() {
        List<NodeAddress> view = view(6);
        NodeAddress x = view.get(2);
        ClusterMap removed = ClusterMap.initial(view, 2).withoutMember(x, false);
        assertFalse(removed.members().contains(x));
        assertEquals(pick(view, 0, 4), removed.shardMembers(1));
        assertEquals(NO_SHARD, removed.shardOf(x));
        assertEquals(1, removed.assignedShard(x), "its place in the layout is kept");

        ClusterMap back = removed.withMember(x);
        assertEquals(1, back.shardOf(x));
        assertEquals(List.of(view.get(0), view.get(4), x), back.shardMembers(1));
        assertEquals(x, back.members().get(5));
        assertEquals(back, removed.merge(back));
    }

    @Test
    void aNodeThatDepartedByRequestComesBackUnassigned() {
        List<NodeAddress> view = view(6);
        NodeAddress x = view.get(2);
        ClusterMap departed = ClusterMap.initial(view, 2).withoutMember(x, true);
        assertEquals(pick(view, 0, 4), departed.shardMembers(1));
        assertEquals(NO_SHARD, departed.assignedShard(x));

        ClusterMap back = departed.withMember(x);
        assertTrue(back.isMember(x));
        assertEquals(NO_SHARD, back.shardOf(x));
        assertEquals(pick(view, 0, 4), back.shardMembers(1));
    }

    /** 7 original nodes in 2 shards; node 1 removed by failure detection, then NEWCOMER joined unassigned. */
    private static ClusterMap sevenInTheViewOneUnassignedOneRemoved(List<NodeAddress> view) {
        return ClusterMap.initial(view, 2).withoutMember(view.get(1), false).withMember(NEWCOMER);
    }

    @Test
    void aReshardDealsTheWholeViewRoundRobinInANewEpoch() {
        List<NodeAddress> view = view(7);
        ClusterMap before = sevenInTheViewOneUnassignedOneRemoved(view);
        ClusterMap after = before.resharded(3);
        assertEquals(Layout.sharded(before.layout().epoch() + 1, 3), after.layout());
        assertEquals(List.of(1, 2, 3), after.shardIds());
        assertEquals(before.members(), after.members(), "a reshard changes shards, not the view");
        // Cluster order: nodes 0, 2, 3, 4, 5, 6, then NEWCOMER.
        assertEquals(List.of(view.get(0), view.get(4), NEWCOMER), after.shardMembers(1));
        assertEquals(pick(view, 2, 5), after.shardMembers(2));
        assertEquals(pick(view, 3, 6), after.shardMembers(3));
        assertEquals(List.of(3, 2, 2), shardSizes(after));
        assertTrue(after.members().stream().allMatch(node -> after.shardOf(node) != NO_SHARD));
        assertEveryMemberIsInItsShard(after);
    }

    @Test
    void aNodeRemovedBeforeAReshardRejoinsUnassigned() {
        // Its old shard belongs to an older layout (API.md 9.6).
        List<NodeAddress> view = view(7);
        ClusterMap after = sevenInTheViewOneUnassignedOneRemoved(view).resharded(3);
        NodeAddress removed = view.get(1);
        assertEquals(NO_SHARD, after.assignedShard(removed));
        ClusterMap back = after.withMember(removed);
        assertTrue(back.isMember(removed));
        assertEquals(NO_SHARD, back.shardOf(removed));
        assertEquals(List.of(3, 2, 2), shardSizes(back));
    }

    @Test
    void aReshardOfAReplicatedClusterShardsIt() {
        List<NodeAddress> view = view(4);
        ClusterMap after = ClusterMap.initial(view).resharded(2);
        assertTrue(after.layout().sharded());
        assertTrue(after.layout().beats(Layout.REPLICATED));
        assertEquals(pick(view, 0, 2), after.shardMembers(1));
        assertEquals(pick(view, 1, 3), after.shardMembers(2));
    }

    private static void assertMergesAgree(ClusterMap one, ClusterMap two) {
        ClusterMap merged = one.merge(two);
        assertEquals(merged, two.merge(one), "merge order matters");
        assertSame(merged, merged.merge(merged), "merge is not idempotent");
        assertSame(merged, merged.merge(one), "the merge does not absorb its input");
        assertSame(merged, merged.merge(two), "the merge does not absorb its input");
    }

    @Test
    void aReshardAndAConcurrentAddMemberMergeTheSameWayInBothOrders() {
        List<NodeAddress> view = view(6);
        ClusterMap start = ClusterMap.initial(view, 2).withMember(NEWCOMER);
        ClusterMap atA = start.resharded(3);                      // A reshards
        ClusterMap atB = start.withShardMember(NEWCOMER, 1);      // meanwhile B adds NEWCOMER to shard 1 of the old layout
        assertMergesAgree(atA, atB);
        ClusterMap merged = atA.merge(atB);
        // The new layout already assigned every node; an assignment in the old one has no place in it.
        assertEquals(atA, merged);
        assertEquals(1, merged.shardOf(NEWCOMER), "the 7th node in cluster order goes to shard 1 of 3");
        assertEveryMemberIsInItsShard(merged);
    }

    @Test
    void aReshardAndAConcurrentFailureRemovalMergeTheSameWayInBothOrders() {
        List<NodeAddress> view = view(7);
        ClusterMap start = ClusterMap.initial(view, 2);
        NodeAddress y = view.get(3);
        ClusterMap atA = start.withoutMember(y, false);           // A's failure detector removes y
        ClusterMap atB = start.resharded(3);                      // meanwhile B reshards with y in the view
        assertMergesAgree(atA, atB);
        ClusterMap merged = atA.merge(atB);
        assertEquals(atB.layout(), merged.layout());
        // No mixture: y's entry is one of the two proposals.
        assertTrue(merged.entry(y).equals(atA.entry(y)) || merged.entry(y).equals(atB.entry(y)), merged.entry(y).toString());
        assertEveryMemberIsInItsShard(merged);
    }

    @Test
    void threeConcurrentChangesMergeToOneMapInAnyOrder() {
        List<NodeAddress> view = view(7);
        ClusterMap start = ClusterMap.initial(view, 2).withMember(NEWCOMER);
        List<ClusterMap> changes = List.of(
                start.resharded(3),
                start.withoutMember(view.get(5), false),
                start.withoutMember(view.get(0), true));
        ClusterMap expected = changes.get(0).merge(changes.get(1)).merge(changes.get(2));
        for (int[] order : new int[][] {{0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}) {
            assertEquals(expected, changes.get(order[0]).merge(changes.get(order[1])).merge(changes.get(order[2])));
        }
        assertEquals(expected, changes.get(0).merge(changes.get(1).merge(changes.get(2))), "not associative");
    }

    @Test
    void aDepartureRequestedDuringAReshardIsNotUndoneByIt() {
        List<NodeAddress> view = view(6);
        ClusterMap start = ClusterMap.initial(view, 2);
        ClusterMap resharded = start.resharded(3);                 // at one node
        ClusterMap departed = start.withoutMember(view.get(4), true); // DELETE /view at another
        ClusterMap merged = resharded.merge(departed);
        assertEquals(merged, departed.merge(resharded));
        assertFalse(merged.isMember(view.get(4)), "the client's DELETE /view must stand");
        assertEquals(3, merged.layout().shardCount());
    }

    @Test
    void equalMapsHaveOneDigestAndEveryChangeAnother() {
        ClusterMap map = ClusterMap.initial(List.of(A, B, C), 2);
        // The same content built another way (another entry order, a merge): the same digest.
        ClusterMap same = new ClusterMap(map.layout(), new java.util.LinkedHashMap<>(map.entries()));
        assertEquals(map.digest(), same.digest());
        assertEquals(map.digest(), new ClusterMap(java.util.Map.of()).merge(map).digest());
        List<ClusterMap> changed = List.of(map.withMember(NEWCOMER), map.withoutMember(B, false), map.withoutMember(B, true),
                map.withShardMember(C, 2), ClusterMap.initial(List.of(A, B, C), 3), ClusterMap.initial(List.of(A, B, C), 0),
                ClusterMap.initial(List.of(A, B, D), 2));
        for (ClusterMap other : changed) {
            assertFalse(other.equals(map), other.toString());
            assertTrue(other.digest() != map.digest(), "a changed map, the same digest: " + other);
        }
        assertEquals(changed.size(), changed.stream().mapToLong(ClusterMap::digest).distinct().count());
        assertTrue(new ClusterMap(java.util.Map.of()).digest() != 0, "0 means 'no digest' on the wire");
    }
}
