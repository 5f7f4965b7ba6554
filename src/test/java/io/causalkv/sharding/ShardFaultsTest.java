package io.causalkv.sharding;

import static io.causalkv.sharding.ShardedClient.members;
import static io.causalkv.sharding.ShardedClient.view;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.testing.Await;
import io.causalkv.testing.Cluster;
import io.causalkv.testing.Http;
import io.causalkv.transport.FaultyHttpTransport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Causality across shards, writes during a reshard, and failures in a sharded cluster
 * (API.md 4.4, 6.5, 9.5, 9.6, 10.4, 10.6). Four nodes in two shards: shard 1 = nodes 0 and 2,
 * shard 2 = nodes 1 and 3.
 */
class ShardFaultsTest extends ClusterTestBase {

    private static final Duration FIVE_SECONDS = Duration.ofSeconds(5);


    private void startFourNodesInTwoShards() throws Exception {
        cluster = Cluster.start(4, FaultyHttpTransport::new, Map.of("SHARD_COUNT", "2"));
        List<String> a = cluster.addresses();
        for (int i = 0; i < 4; i++) {
            int node = i;
            Await.until(FIVE_SECONDS, "node " + node + " agrees on the layout",
                    () -> members(cluster, node, 1).equals(List.of(a.get(0), a.get(2)))
                            && members(cluster, node, 2).equals(List.of(a.get(1), a.get(3))));
        }
    }


    @Test
    void aCausalChainAcrossShardsNeverShowsTheOldValue() throws Exception {
        startFourNodesInTwoShards();
        String x = ShardedClient.keyIn(1, "x");
        String y = ShardedClient.keyIn(2, "y");
        ShardedClient writer = new ShardedClient(cluster);
        assertEquals(201, writer.put(0, x, "\"old\"").status());
        String old = writer.metadata();
        Await.until(FIVE_SECONDS, "node 2 has the old x", () -> ShardedClient.get(cluster, 2, x, old).status() == 200);

        cluster.isolate(2); // node 2, the other replica of x's shard, misses the new x
        assertEquals(200, writer.put(0, x, "\"new\"").status());
        assertEquals(201, writer.put(1, y, "\"after new x\"").status(), "y depends on the new x, in another shard");

        ShardedClient reader = new ShardedClient(cluster);
        Http.Reply readY = reader.get(3, y);
        assertEquals(200, readY.status(), readY.body());
        // Node 2 lacks the x that y depends on: it must refuse, never serve the old x.
        Http.Reply readX = ShardedClient.get(cluster, 2, x, reader.metadata());
        assertEquals(503, readX.status(), readX.body());
        assertEquals(Http.json("{\"error\":\"Causal dependencies not satisfied; try again later\"}"), readX.json());
        // Through a node of the other shard the read is proxied to x's shard; whatever member
        // answers, the answer is the new x or a 503, never the old x.
        for (int i = 0; i < 10; i++) {
            Http.Reply proxied = ShardedClient.get(cluster, 3, x, reader.metadata());
            assertTrue(proxied.status() == 503 || proxied.json().get("value").equals(Http.json("\"new\"")), proxied.body());
        }
        cluster.heal();
        Await.until(FIVE_SECONDS, "node 2 serves the new x after the heal", () -> {
            Http.Reply reply = ShardedClient.get(cluster, 2, x, reader.metadata());
            return reply.status() == 200 && reply.json().get("value").equals(Http.json("\"new\""));
        });
    }

    @Test
    void writesDuringAReshardAreNotLost() throws Exception {
        cluster = Cluster.start(6, FaultyHttpTransport::new, Map.of("SHARD_COUNT", "2"));
        for (int i = 0; i < 6; i++) {
            int node = i;
            Await.until(FIVE_SECONDS, "node " + node + " has two shards", () -> ShardedClient.shardIds(cluster, node).size() == 2);
        }
        ShardedClient client = new ShardedClient(cluster);
        Map<String, String> acknowledged = new ConcurrentHashMap<>();
        for (int i = 0; i < 100; i++) {
            assertEquals(201, client.put(i % 6, "before" + i, Integer.toString(i)).status());
            acknowledged.put("before" + i, Integer.toString(i));
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<String> failure = new AtomicReference<>();
        ShardedClient concurrent = new ShardedClient(cluster);
        java.util.List<long[]> spans = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        Thread writer = new Thread(() -> {
            for (int i = 0; writing.get() && i < 5_000; i++) {
                String key = "during" + i;
                long sent = System.nanoTime();
                Http.Reply reply = concurrent.put(i % 6, key, Integer.toString(i));
                if (reply.status() == 201) {
                    spans.add(new long[] {sent, System.nanoTime()});
                    acknowledged.put(key, Integer.toString(i));
                } else if (reply.status() != 503) {
                    failure.compareAndSet(null, key + " -> " + reply.status() + " " + reply.body());
                }
            }
        });
        writer.start();
        Await.until(FIVE_SECONDS, "the writer is under way", () -> acknowledged.size() > 120);
        long reshardSent = System.nanoTime();
        Http.Reply reshard = Http.send("PUT", cluster.url(4, "/shard/reshard"), "{\"shard-count\":3}");
        long reshardDone = System.nanoTime();
        assertEquals(200, reshard.status(), reshard.body());
        int atCommit = acknowledged.size();
        Await.until(FIVE_SECONDS, "writes in the new layout", () -> acknowledged.size() > atCommit + 40);
        writing.set(false);
        writer.join(10_000);
        assertEquals(null, failure.get(), "only 503s may refuse a write during the reshard");
        assertTrue(spans.stream().anyMatch(span -> span[0] < reshardDone && span[1] > reshardSent),
                "some acknowledged write was in flight while the reshard ran");
        String metadata = concurrent.metadata();
        for (Map.Entry<String, String> e : acknowledged.entrySet()) {
            for (int node : List.of(0, 5)) {
                Http.Reply reply = ShardedClient.retrying(() -> ShardedClient.get(cluster, node, e.getKey(), metadata));
                assertEquals(200, reply.status(), e.getKey() + " at node " + node + ": " + reply.body());
                assertEquals(Http.json(e.getValue()), reply.json().get("value"), e.getKey());
            }
        }
        int total = 0;
        for (int shard = 1; shard <= 3; shard++) {
            total += ShardedClient.keyCount(cluster, 0, shard);
        }
        assertEquals(acknowledged.size(), total, "every acknowledged key counted once");
    }

    @Test
    void aFailedMemberLeavesItsShardAndRejoinsItWithItsData() throws Exception {
        startFourNodesInTwoShards();
        List<String> a = cluster.addresses();
        ShardedClient client = new ShardedClient(cluster);
        String x = ShardedClient.keyIn(1, "k");
        assertEquals(201, client.put(1, x, "1").status());

        cluster.stopNode(2);
        long stopped = System.nanoTime();
        for (int node : List.of(0, 1, 3)) {
            Await.until(Duration.ofSeconds(10), "node " + node + " drops node 2 from view and shard",
                    () -> !view(cluster, node).contains(a.get(2)) && members(cluster, node, 1).equals(List.of(a.get(0))));
        }
        assertTrue(System.nanoTime() - stopped < 10_000_000_000L);
        assertEquals(200, client.put(3, x, "2").status(), "the shard's surviving member takes writes");

        cluster.startNode(2);
        long restarted = System.nanoTime();
        for (int node = 0; node < 4; node++) {
            int n = node;
            Await.until(FIVE_SECONDS, "node " + n + " lists node 2 in shard 1 again",
                    () -> members(cluster, n, 1).equals(List.of(a.get(0), a.get(2))));
        }
        String metadata = client.metadata();
        Await.until(Await.remaining(FIVE_SECONDS, restarted),
                "the restarted node serves the write it missed", () -> {
                    Http.Reply reply = ShardedClient.get(cluster, 2, x, metadata);
                    return reply.status() == 200 && reply.json().get("value").intValue() == 2;
                });
    }

    @Test
    void aShardWithNoLiveMemberAnswers503ForItsKeysWithinFiveSecondsAndTheOtherShardServes() throws Exception {
        startFourNodesInTwoShards();
        String inShard1 = ShardedClient.keyIn(1, "a");
        String inShard2 = ShardedClient.keyIn(2, "b");
        ShardedClient client = new ShardedClient(cluster);
        assertEquals(201, client.put(1, inShard1, "1").status());
        assertEquals(201, client.put(0, inShard2, "2").status());
        cluster.isolate(0, 2); // shard 1's members cut off from nodes 1 and 3
        long started = System.nanoTime();
        Http.Reply unavailable = ShardedClient.get(cluster, 1, inShard1, "null");
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(503, unavailable.status(), unavailable.body());
        assertEquals(Http.json("{\"error\":\"Shard unavailable\"}"), unavailable.json());
        assertTrue(tookMillis < 5_000, "503 after " + tookMillis + " ms");
        Http.Reply other = ShardedClient.get(cluster, 1, inShard2, "null");
        assertEquals(200, other.status(), other.body());
        Http.Reply count = Http.send("GET", cluster.url(3, "/shard/key-count/1"));
        assertEquals(503, count.status(), count.body());
        assertEquals(Http.json("{\"error\":\"Shard unavailable\"}"), count.json());
    }
}
