package io.causalkv.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalkv.causal.CausalContext;
import io.causalkv.causal.Dot;
import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.replication.ShardStatus;
import io.causalkv.replication.StateDelta.KeyedEntry;
import io.causalkv.store.Entry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Peer messages carrying the cluster map, shard reports and entries survive the trip through JSON text. */
class WireMapTest {

    private static final List<NodeAddress> VIEW = List.of(
            NodeAddress.parse("10.0.0.3:8090"),
            NodeAddress.parse("node-a.cluster.local:8090"),
            NodeAddress.parse("[fd00::1]:8091"),
            NodeAddress.parse("10.0.0.1:8090"),
            NodeAddress.parse("10.0.0.2:8090"),
            NodeAddress.parse("10.0.0.10:8090"));
    private static final NodeAddress NEWCOMER = NodeAddress.parse("10.0.1.1:8090");

    /** Through text, as a peer receives it. */
    private static JsonNode sent(JsonNode node) throws Exception {
        return Wire.MAPPER.readTree(Wire.compact(node));
    }

    private static void assertMapRoundTrips(ClusterMap map) throws Exception {
        ClusterMap decoded = Wire.decodeMap(sent(Wire.map(map)));
        assertEquals(map, decoded);
        assertEquals(map.members(), decoded.members());
        for (int shard : map.shardIds()) {
            assertEquals(map.shardMembers(shard), decoded.shardMembers(shard));
        }
    }

    @Test
    void aReplicatedMapRoundTrips() throws Exception {
        assertMapRoundTrips(ClusterMap.initial(VIEW));
    }

    @Test
    void aShardedMapRoundTrips() throws Exception {
        assertMapRoundTrips(ClusterMap.initial(VIEW, 3));
        assertMapRoundTrips(ClusterMap.initial(VIEW, 2).withMember(NEWCOMER).withShardMember(NEWCOMER, 2));
    }

    @Test
    void aMapWithRemovedDepartedAndUnassignedNodesRoundTrips() throws Exception {
        ClusterMap map = ClusterMap.initial(VIEW, 2)
                .withoutMember(VIEW.get(1), false)
                .withoutMember(VIEW.get(2), true)
                .withMember(NEWCOMER);
        assertMapRoundTrips(map);
        ClusterMap decoded = Wire.decodeMap(sent(Wire.map(map)));
        assertEquals(ClusterMap.Status.REMOVED, decoded.entry(VIEW.get(1)).status());
        assertEquals(2, decoded.assignedShard(VIEW.get(1)), "a removed node's shard must survive gossip");
        assertEquals(ClusterMap.Status.DEPARTED, decoded.entry(VIEW.get(2)).status());
        assertEquals(ClusterMap.NO_SHARD, decoded.shardOf(NEWCOMER));
    }

    @Test
    void aReshardedMapRoundTrips() throws Exception {
        ClusterMap map = ClusterMap.initial(VIEW, 2).withoutMember(VIEW.get(0), false).withMember(NEWCOMER).resharded(3);
        assertMapRoundTrips(map);
        assertMapRoundTrips(map.withMember(VIEW.get(0)));
    }

    @Test
    void aMapWithoutALayoutIsRejected() throws Exception {
        JsonNode noLayout = Wire.MAPPER.readTree("{\"nodes\":[{\"a\":\"10.0.0.1:8090\",\"s\":\"ALIVE\",\"v\":0,\"o\":0,\"h\":0,\"he\":0}]}");
        assertThrows(IllegalArgumentException.class, () -> Wire.decodeMap(noLayout));
        assertThrows(IllegalArgumentException.class, () -> Wire.decodeMap(Wire.MAPPER.readTree("{\"layout\":{\"e\":1,\"n\":1,\"x\":false}}")));
        assertThrows(IllegalArgumentException.class, () -> Wire.decodeMap(null));
    }

    @Test
    void aShardStatusRoundTripsWithAndWithoutAShard() throws Exception {
        VectorClock applied = VectorClock.of(Map.of("10.0.0.1:8090@a", 4L, "10.0.0.2:8090@b", 17L));
        ShardStatus holding = new ShardStatus(new ShardRef(2, 3), applied, 42, true);
        assertEquals(holding, Wire.decodeShardStatus(sent(Wire.shardStatus(holding))));

        ShardStatus none = new ShardStatus(null, VectorClock.EMPTY, 0, false);
        JsonNode sentNone = sent(Wire.shardStatus(none));
        assertFalse(sentNone.has("ref"));
        ShardStatus decoded = Wire.decodeShardStatus(sentNone);
        assertNull(decoded.shard());
        assertEquals(none, decoded);
        assertEquals(ShardStatus.NONE, decoded);
    }

    @Test
    void liveEntriesAndTombstonesRoundTrip() throws Exception {
        CausalContext foreign = CausalContext.ofWrite(3, 1, new Dot("10.0.0.1:8090@a", 9))
                .merge(CausalContext.ofWrite(3, 2, new Dot("10.0.0.2:8090@b", 2)));
        List<KeyedEntry> entries = List.of(
                new KeyedEntry("key0", new Entry("\"text\"", new Dot("10.0.0.1:8090@a", 1), 1, CausalContext.EMPTY)),
                new KeyedEntry("nested", new Entry("{\"a\":[1,2.50,{\"b\":null}],\"c\":true}", new Dot("10.0.0.2:8090@b", 3), 7, foreign)),
                new KeyedEntry("number", new Entry("12345678901234567890.000001", new Dot("r", 2), 8, CausalContext.EMPTY)),
                new KeyedEntry("gone", new Entry(null, new Dot("10.0.0.3:8090@c", 5), 12, CausalContext.EMPTY)),
                new KeyedEntry("gone-with-history", new Entry(null, new Dot("10.0.0.3:8090@c", 6), 13, foreign)),
                new KeyedEntry("ünïcode key ✓", new Entry("\"välue \\\"quoted\\\"\"", new Dot("r", 4), 14, CausalContext.EMPTY)));
        List<KeyedEntry> decoded = Wire.decodeEntries(sent(Wire.entries(entries)));
        assertEquals(entries, decoded);
        assertTrue(decoded.get(1).entry().isLive());
        assertFalse(decoded.get(3).entry().isLive());
        assertEquals(List.of(), Wire.decodeEntries(sent(Wire.entries(List.of()))));
    }
}
