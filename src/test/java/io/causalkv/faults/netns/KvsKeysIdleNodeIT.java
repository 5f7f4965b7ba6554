package io.causalkv.faults.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.causalkv.testing.Await;
import io.causalkv.testing.Http;
import io.causalkv.testing.netns.NetnsCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kvs-keys membership is manual (API.md 8.1): a node started ahead of the view change that will
 * add it, with a VIEW that lists it and the running nodes, never changes the running nodes' view,
 * shards or key placement. Nodes A and B run with VIEW=A,B; C starts with VIEW=A,B,C and stays
 * idle until {@code PUT /kvs/view-change}, which then moves keys to it. C starts while A and B
 * are paused, so that it cannot learn their layout first.
 */
class KvsKeysIdleNodeIT {

    /** Long enough for any heartbeat or gossip to have spread a layout (they run every few hundred ms). */
    private static final Duration IDLE_FOR = Duration.ofSeconds(4);

    @BeforeAll
    static void namespaces() {
        NetnsCluster.assumeAvailable();
    }

    @Test
    void anIdleNodeWithAWiderViewTakesNothingOverUntilTheViewChange() throws Exception {
        try (NetnsCluster cluster = NetnsCluster.create("kvs-keys-idle", 3)) {
            Map<String, String> two = Map.of("VIEW", cluster.view(0, 1));
            cluster.launch(0, "ADDRESS", two);
            cluster.launch(1, "ADDRESS", two);
            cluster.awaitReady(0);
            cluster.awaitReady(1);
            List<String> keys = new ArrayList<>();
            for (int n = 0; n < 20; n++) {
                keys.add("k" + n);
                assertEquals(201, put(cluster, n % 2, "k" + n, n).status());
            }
            assertEquals(20, count(cluster, 0) + count(cluster, 1));

            // C starts while A and B do not answer (paused, as a starved JVM on a busy machine
            // may be): it cannot learn their layout at start-up and begins with its VIEW's.
            cluster.pause(0);
            cluster.pause(1);
            try {
                cluster.launch(2, "ADDRESS", Map.of("VIEW", cluster.view(0, 1, 2)));
                cluster.awaitReady(2);
            } finally {
                cluster.resume(0);
                cluster.resume(1);
            }
            Await.elapse(IDLE_FOR);

            for (int node : List.of(0, 1)) {
                Http.Reply shards = Http.send("GET", cluster.url(node, "/kvs/shards"));
                assertEquals("[\"1\",\"2\"]", shards.json().get("shards").toString(), "node " + node + "'s shards: " + shards.body());
            }
            for (int n = 20; n < 40; n++) {
                keys.add("k" + n);
                Http.Reply put = put(cluster, n % 2, "k" + n, n);
                assertEquals(201, put.status(), put.body());
                assertEquals(-1, put.body().indexOf(cluster.address(2)), "a key placed on the idle node: " + put.body());
            }
            assertEquals(40, count(cluster, 0) + count(cluster, 1), "the running nodes hold every key");
            assertEquals(0, count(cluster, 2), "the idle node holds no key");
            for (String key : keys) {
                for (int node : List.of(0, 1)) {
                    assertEquals(200, Http.send("GET", cluster.url(node, "/kvs/keys/" + key)).status(), key + " at node " + node);
                }
            }

            Http.Reply change = Http.send("PUT", cluster.url(0, "/kvs/view-change"), "{\"view\":\"" + cluster.view(0, 1, 2) + "\"}");
            assertEquals(200, change.status(), change.body());
            int total = 0;
            for (var shard : change.json().get("shards")) {
                total += shard.get("key-count").asInt();
            }
            assertEquals(40, total, change.body());
            assertEquals(40, count(cluster, 0) + count(cluster, 1) + count(cluster, 2));
        }
    }

    private static Http.Reply put(NetnsCluster cluster, int node, String key, int value) {
        return Http.send("PUT", cluster.url(node, "/kvs/keys/" + key), "{\"value\":" + value + "}");
    }

    private static int count(NetnsCluster cluster, int node) {
        return Http.send("GET", cluster.url(node, "/kvs/key-count")).json().get("key-count").asInt();
    }
}
