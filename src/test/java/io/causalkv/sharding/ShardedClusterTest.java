package io.causalkv.sharding;

import static io.causalkv.sharding.ShardedClient.keyCount;
import static io.causalkv.sharding.ShardedClient.members;
import static io.causalkv.sharding.ShardedClient.nodeShardId;
import static io.causalkv.sharding.ShardedClient.shardIds;
import static io.causalkv.sharding.ShardedClient.view;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.testing.Await;
import io.causalkv.testing.Cluster;
import io.causalkv.testing.Http;
import io.causalkv.transport.FaultyHttpTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A sharded cluster over real HTTP (API.md 6.5, 6.7, 9, 10.4, 10.5): agreement on the layout,
 * keys written through any node and read at every node, a node joining and added to a shard,
 * and reshards, with nothing lost.
 */
class ShardedClusterTest extends ClusterTestBase {

    private static final Duration FIVE_SECONDS = Duration.ofSeconds(5);
    private static final Duration TWENTY_SECONDS = Duration.ofSeconds(20);


    @Test
    void sixNodesInTwoShardsServeAndReshardWithNothingLost() throws Exception {
        cluster = Cluster.start(6, FaultyHttpTransport::new, Map.of("SHARD_COUNT", "2"));
        List<String> a = cluster.addresses();
        awaitLayout(List.of(List.of(a.get(0), a.get(2), a.get(4)), List.of(a.get(1), a.get(3), a.get(5))), FIVE_SECONDS);

        // 600 keys through random nodes, one client chaining its metadata.
        ShardedClient client = new ShardedClient(cluster);
        Random random = new Random(42);
        Map<String, String> written = new LinkedHashMap<>();
        for (int i = 0; i < 600; i++) {
            String key = "key" + i;
            Http.Reply reply = client.put(random.nextInt(cluster.size()), key, Integer.toString(i));
            assertEquals(201, reply.status(), key + ": " + reply.body());
            written.put(key, Integer.toString(i));
        }
        String beforeJoin = client.metadata();
        assertEveryKeyReadableEverywhere(written, beforeJoin);
        assertCountsAgreeAndBalanced(2, 600);

        // A 7th node started without SHARD_COUNT joins unassigned, then add-member puts it in shard 2.
        int added = cluster.addNodeWithout("SHARD_COUNT");
        String newcomer = cluster.address(added);
        for (int i = 0; i < cluster.size(); i++) {
            int node = i;
            Await.until(FIVE_SECONDS, "node " + node + " lists the newcomer", () -> view(cluster, node).contains(newcomer));
        }
        assertTrue(nodeShardId(cluster, added).isNull(), "a joining node is unassigned");
        Http.Reply addMember = Http.send("PUT", cluster.url(0, "/shard/add-member/2"), "{\"socket-address\":\"" + newcomer + "\"}");
        assertEquals(200, addMember.status(), addMember.body());
        assertEquals(Http.json("{\"result\":\"node added to shard\"}"), addMember.json());
        long addedAt = System.nanoTime();
        List<String> shard2 = List.of(a.get(1), a.get(3), a.get(5), newcomer);
        for (int i = 0; i < cluster.size(); i++) {
            int node = i;
            Await.until(Await.remaining(FIVE_SECONDS, addedAt), "node " + node + " lists the newcomer last in shard 2",
                    () -> members(cluster, node, 2).equals(shard2));
        }
        Await.until(Await.remaining(FIVE_SECONDS, addedAt), "the newcomer reports shard 2 and its key count",
                () -> nodeShardId(cluster, added).intValue() == 2
                        && keyCount(cluster, added, 2) == keyCount(cluster, 1, 2));
        // ... and holds the keys itself (its own replica's count, as its admin JSON reports it).
        int shard2Keys = keyCount(cluster, 1, 2);
        Await.until(Await.remaining(FIVE_SECONDS, addedAt), "the newcomer's own replica holds shard 2's " + shard2Keys + " keys",
                () -> ownKeys(added) == shard2Keys);

        // A reshard that would leave fewer than 2 nodes per shard changes nothing.
        Http.Reply tooMany = Http.send("PUT", cluster.url(2, "/shard/reshard"), "{\"shard-count\":10}");
        assertEquals(400, tooMany.status());
        assertEquals(Http.json("{\"error\":\"Not enough nodes to provide fault tolerance with requested shard count\"}"), tooMany.json());
        for (int i = 0; i < cluster.size(); i++) {
            assertEquals(List.of(1, 2), shardIds(cluster, i));
        }

        // Reshard into 3: every node assigned round-robin in cluster order, every key moved.
        Http.Reply reshard = Http.send("PUT", cluster.url(3, "/shard/reshard"), "{\"shard-count\":3}");
        assertEquals(200, reshard.status(), reshard.body());
        assertEquals(Http.json("{\"result\":\"resharded\"}"), reshard.json());
        List<String> all = cluster.addresses();
        awaitLayout(List.of(
                List.of(all.get(0), all.get(3), all.get(6)),
                List.of(all.get(1), all.get(4)),
                List.of(all.get(2), all.get(5))), TWENTY_SECONDS);
        assertEveryKeyReadableEverywhere(written, beforeJoin);
        assertCountsAgreeAndBalanced(3, 600);
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** Every node reports exactly these shards, members (in order) and a consistent own shard id. */
    private void awaitLayout(List<List<String>> shards, Duration within) {
        long start = System.nanoTime();
        List<Integer> ids = new ArrayList<>();
        for (int s = 1; s <= shards.size(); s++) {
            ids.add(s);
        }
        for (int i = 0; i < cluster.size(); i++) {
            int node = i;
            Await.until(Await.remaining(within, start), "node " + node + " reports the layout " + shards, () -> {
                if (!shardIds(cluster, node).equals(ids)) {
                    return false;
                }
                for (int s = 1; s <= shards.size(); s++) {
                    if (!members(cluster, node, s).equals(shards.get(s - 1))) {
                        return false;
                    }
                }
                int own = nodeShardId(cluster, node).intValue();
                return shards.get(own - 1).contains(cluster.address(node));
            });
        }
    }

    private void assertEveryKeyReadableEverywhere(Map<String, String> written, String metadata) {
        for (int i = 0; i < cluster.size(); i++) {
            for (Map.Entry<String, String> e : written.entrySet()) {
                int node = i;
                Http.Reply reply = ShardedClient.retrying(() -> ShardedClient.get(cluster, node, e.getKey(), metadata));
                assertEquals(200, reply.status(), "node " + i + " " + e.getKey() + ": " + reply.body());
                assertEquals(Http.json(e.getValue()), reply.json().get("value"), "node " + i + " " + e.getKey());
            }
        }
    }

    /** All nodes report the same count per shard; the counts add up and are balanced (API.md 9.5). */
    private void assertCountsAgreeAndBalanced(int shards, int keys) {
        int total = 0;
        for (int s = 1; s <= shards; s++) {
            int shard = s;
            int expected = keyCount(cluster, 0, shard);
            for (int i = 1; i < cluster.size(); i++) {
                int node = i;
                Await.until(FIVE_SECONDS, "node " + node + " agrees on shard " + shard + "'s count " + expected,
                        () -> keyCount(cluster, node, shard) == expected);
            }
            double share = (double) keys / shards;
            assertTrue(expected > 0.75 * share && expected < 1.25 * share,
                    "shard " + shard + " holds " + expected + " of " + keys + " keys");
            total += expected;
        }
        assertEquals(keys, total, "shard counts add up to the live keys");
    }

    /** The live keys of node {@code i}'s own replica, from its admin JSON. */
    private int ownKeys(int i) {
        for (com.fasterxml.jackson.databind.JsonNode node : Http.send("GET", cluster.url(i, "/admin/api/cluster")).json().get("nodes")) {
            if (node.get("address").asText().equals(cluster.address(i))) {
                return node.get("keys").isInt() ? node.get("keys").intValue() : -1;
            }
        }
        return -1;
    }

}
