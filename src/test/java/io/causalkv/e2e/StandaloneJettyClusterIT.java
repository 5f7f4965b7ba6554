package io.causalkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalkv.testing.Await;
import io.causalkv.testing.FreePorts;
import io.causalkv.testing.Http;
import io.causalkv.testing.RawHttp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged WAR in standalone Jetty processes, started by {@code bin/cluster} as users start it:
 * a replicated cluster survives the kill -9 of a node and takes it back, and a sharded cluster
 * serves every key at every node (API.md 9.6, 10.1, 10.4); stopped and started again, the nodes
 * keep every key in their data directories (issue 18).
 */
class StandaloneJettyClusterIT {

    /** A run of free ports below the ephemeral range, one per node. */
    private static int basePort(int nodes) {
        int first = FreePorts.reserve();
        for (int attempt = 0; attempt < 50; attempt++) {
            List<Integer> run = new ArrayList<>(List.of(first));
            while (run.size() < nodes && FreePorts.reserve() == first + run.size()) {
                run.add(first + run.size());
            }
            if (run.size() == nodes) {
                return first;
            }
            first = FreePorts.reserve();
        }
        throw new IllegalStateException("no run of " + nodes + " free ports");
    }

    /** A write as API.md 10.2's client makes it: a 503 (a dependency still on its way) is retried with back-off. */
    private static Http.Reply put(ClusterScript cluster, int node, String key, int value, String metadata) {
        Http.Reply reply = null;
        for (int attempt = 0; attempt < 8; attempt++) {
            reply = Http.send("PUT", cluster.url(node, "/kvs/" + key), "{\"value\":" + value + ",\"causal-metadata\":" + metadata + "}");
            if (reply.status() != 503) {
                break;
            }
            Await.elapse(Duration.ofMillis(10L << attempt));
        }
        return reply;
    }

    private static String metadataOf(Http.Reply reply) {
        return reply.json().get("causal-metadata").toString();
    }

    private static List<String> view(ClusterScript cluster, int node) {
        List<String> view = new ArrayList<>();
        Http.send("GET", cluster.url(node, "/view")).json().get("view").forEach(a -> view.add(a.asText()));
        return view;
    }

    @Test
    void aReplicatedClusterOutlivesAKilledNodeAndTakesItBack() throws Exception {
        try (ClusterScript cluster = ClusterScript.start("replicated", 3, 0, basePort(3))) {
            String metadata = "null";
            Map<String, Integer> written = new LinkedHashMap<>();
            for (int i = 0; i < 20; i++) {
                Http.Reply put = put(cluster, i % 3, "e" + i, i, metadata);
                assertEquals(201, put.status(), put.body());
                metadata = metadataOf(put);
                written.put("e" + i, i);
            }

            cluster.kill9(2);
            long killed = System.nanoTime();
            for (int node : List.of(0, 1)) {
                Await.until(Await.remaining(Duration.ofSeconds(10), killed), "node " + node + " removes the killed node",
                        () -> !view(cluster, node).contains(cluster.address(2)));
            }
            // Writes go on without it, and it misses them.
            for (int i = 20; i < 25; i++) {
                Http.Reply put = put(cluster, i % 2, "e" + i, i, metadata);
                assertEquals(201, put.status(), put.body());
                metadata = metadataOf(put);
                written.put("e" + i, i);
            }

            cluster.restart(2);
            long restarted = System.nanoTime();
            String latest = metadata;
            // API.md 10.4 counts 5 s from the process start; starting the JVM and Jetty comes first.
            Await.until(Await.remaining(Duration.ofSeconds(15), restarted), "the restarted node is back in every view",
                    () -> view(cluster, 0).contains(cluster.address(2)) && view(cluster, 1).contains(cluster.address(2)));
            for (Map.Entry<String, Integer> e : written.entrySet()) {
                Await.until(Duration.ofSeconds(5), "the restarted node serves " + e.getKey(), () -> {
                    Http.Reply get = Http.send("GET", cluster.url(2, "/kvs/" + e.getKey()), "{\"causal-metadata\":" + latest + "}");
                    return get.status() == 200 && get.json().get("value").intValue() == e.getValue();
                });
            }

            // bin/cluster stop, then start: each node comes back from its data directory (issue 18).
            cluster.stopAndStartAgain();
            for (int node = 0; node < 3; node++) {
                for (Map.Entry<String, Integer> e : written.entrySet()) {
                    Http.Reply get = Http.send("GET", cluster.url(node, "/kvs/" + e.getKey()), "{\"causal-metadata\":" + latest + "}");
                    assertEquals(200, get.status(), e.getKey() + " at node " + node + " after stop and start: " + get.body());
                    assertEquals(e.getValue().intValue(), get.json().get("value").intValue());
                }
            }
        }
    }

    @Test
    void aShardedClusterOfSixServesEveryKeyAtEveryNode() throws Exception {
        try (ClusterScript cluster = ClusterScript.start("sharded", 6, 2, basePort(6))) {
            JsonNode ids = Http.send("GET", cluster.url(5, "/shard/ids")).json();
            assertEquals("{\"shard-ids\":[1,2]}", ids.toString());
            String metadata = "null";
            for (int i = 0; i < 60; i++) {
                Http.Reply put = put(cluster, i % 6, "s" + i, i, metadata);
                assertEquals(201, put.status(), put.body());
                metadata = metadataOf(put);
            }
            for (int node = 0; node < 6; node++) {
                for (int i = 0; i < 60; i++) {
                    Http.Reply get = Http.send("GET", cluster.url(node, "/kvs/s" + i), "{\"causal-metadata\":" + metadata + "}");
                    assertEquals(200, get.status(), "s" + i + " at node " + node + ": " + get.body());
                    assertEquals(i, get.json().get("value").intValue());
                }
            }
            int total = 0;
            for (int shard = 1; shard <= 2; shard++) {
                total += Http.send("GET", cluster.url(0, "/shard/key-count/" + shard)).json().get("shard-key-count").intValue();
            }
            assertEquals(60, total);
            // Refused by Jetty before any webapp: the server-level handler of the jetty.base answers JSON.
            String badUri = RawHttp.send(cluster.port(1), "GET /kvs/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertEquals(400, RawHttp.status(badUri), badUri);
            assertEquals("{\"error\":\"Bad request\"}", RawHttp.body(badUri).trim(), badUri);
        }
    }
}
