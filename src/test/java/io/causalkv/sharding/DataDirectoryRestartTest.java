package io.causalkv.sharding;

import static io.causalkv.sharding.ShardedClient.members;
import static io.causalkv.sharding.ShardedClient.shardIds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalkv.testing.Await;
import io.causalkv.testing.Cluster;
import io.causalkv.testing.Http;
import io.causalkv.testing.Trees;
import io.causalkv.transport.FaultyHttpTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Nodes with a data directory (issue 18) restarted, in one JVM over HTTP: what they held comes
 * back from their logs, and the layout from their identity, not from their settings. The kill -9
 * of every node process under load is in FaultSuiteIT.
 */
class DataDirectoryRestartTest {

    private static final Duration TWENTY_SECONDS = Duration.ofSeconds(20);
    private final Path data = Path.of("target/data-restart-" + System.nanoTime());
    private Cluster cluster;

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        Trees.delete(data);
    }

    /**
     * The write only its node held (acknowledged on its copy alone while its peer was cut off,
     * API.md 6.4) is back when that node restarts. Without a data directory it was lost, and the
     * writer read 404 (LostWriteTest).
     */
    @Test
    void aWriteOnlyItsNodeHeldIsBackAfterTheNodeRestarts() throws Exception {
        cluster = Cluster.start(2, FaultyHttpTransport::new, Map.of("DATA_DIR", data.toString()));
        cluster.isolate(0);
        Await.until(Duration.ofSeconds(3), "node 0 suspects its peer", () -> peerState(cluster).equals("suspected"));
        Http.Reply alone = Http.send("PUT", cluster.url(0, "/kvs/k"), "{\"value\":\"kept\",\"causal-metadata\":null}");
        assertEquals(201, alone.status(), alone.body());
        String metadata = alone.json().get("causal-metadata").toString();
        cluster.stopNode(0);
        cluster.heal();
        cluster.startNode(0);
        for (int node = 0; node < 2; node++) {
            int at = node;
            Http.Reply[] last = new Http.Reply[1];
            Await.until(Duration.ofSeconds(10), "node " + node + " serves the write", () -> {
                last[0] = ShardedClient.get(cluster, at, "k", metadata);
                return last[0].status() == 200;
            });
            assertEquals("kept", last[0].json().get("value").asText(), last[0].body());
        }
    }

    /**
     * A resharded cluster, with a node added to a shard since, stopped whole comes back in that
     * layout (its settings say one shard of four nodes) with every key, and its clients' metadata
     * still works.
     */
    @Test
    void everyNodeRestartedComesBackInTheLayoutItLeftWithItsKeys() throws Exception {
        cluster = Cluster.start(4, FaultyHttpTransport::new, Map.of("DATA_DIR", data.toString()));
        ShardedClient client = new ShardedClient(cluster);
        Map<String, String> written = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            assertEquals(201, client.put(i % 4, "d" + i, "\"v" + i + "\"").status());
            written.put("d" + i, "v" + i);
        }
        Http.Reply reshard = Http.send("PUT", cluster.url(1, "/shard/reshard"), "{\"shard-count\":2}");
        assertEquals(200, reshard.status(), reshard.body());
        List<String> a = cluster.addresses();
        awaitTwoShards(a);
        assertEquals(201, client.put(2, "after", "\"resharded\"").status()); // a write of the new layout
        written.put("after", "resharded");
        int added = cluster.addNodeWithout();
        Http.Reply addMember = Http.send("PUT", cluster.url(0, "/shard/add-member/1"),
                "{\"socket-address\":\"" + cluster.address(added) + "\"}");
        assertEquals(200, addMember.status(), addMember.body());
        a = cluster.addresses();
        List<String> shardOne = List.of(a.get(0), a.get(2), a.get(4));
        awaitLayout(a, shardOne);
        String metadata = client.metadata();

        for (int i = 0; i < 5; i++) {
            cluster.stopNode(i);
        }
        for (int i = 0; i < 5; i++) {
            cluster.startNode(i); // the added node with the cluster's first settings, as an operator's script would
        }
        awaitLayout(a, shardOne);
        for (int i = 0; i < 5; i++) {
            for (Map.Entry<String, String> key : written.entrySet()) {
                Http.Reply reply = ShardedClient.retrying(() -> ShardedClient.get(cluster, 0, key.getKey(), metadata));
                assertEquals(200, reply.status(), key.getKey() + " at node " + i + ": " + reply.body());
                assertEquals(key.getValue(), reply.json().get("value").asText());
            }
        }
    }

    /**
     * A write only one node held, when the cluster reshards while that node is down: the node
     * comes back into the new layout, and its old layout's log is handed over to the key's new
     * owners before it is dropped (it used to be deleted unread).
     */
    @Test
    void aWriteOnlyADownNodeHeldReachesItsNewOwnersAfterAReshardWithoutIt() throws Exception {
        cluster = Cluster.start(5, FaultyHttpTransport::new, Map.of("DATA_DIR", data.toString()));
        cluster.isolate(4);
        Await.until(Duration.ofSeconds(3), "node 4 suspects its peers", () -> peerStates(cluster, 4).stream()
                .allMatch(state -> state.equals("suspected") || state.equals("down")));
        Http.Reply alone = Http.send("PUT", cluster.url(4, "/kvs/solo"), "{\"value\":\"only here\",\"causal-metadata\":null}");
        assertEquals(201, alone.status(), alone.body());
        cluster.stopNode(4);
        cluster.heal();
        Await.until(TWENTY_SECONDS, "the others remove node 4", () -> !ShardedClient.view(cluster, 0).contains(cluster.address(4)));
        Http.Reply reshard = Http.send("PUT", cluster.url(0, "/shard/reshard"), "{\"shard-count\":2}");
        assertEquals(200, reshard.status(), reshard.body());
        cluster.startNode(4);
        Http.Reply[] last = new Http.Reply[1];
        Await.until(TWENTY_SECONDS, "the write node 4 alone held is served in the new layout", () -> {
            last[0] = Http.send("GET", cluster.url(1, "/kvs/solo"), "{\"causal-metadata\":null}");
            return last[0].status() == 200;
        });
        assertEquals("only here", last[0].json().get("value").asText());
    }

    private static List<String> peerStates(Cluster cluster, int node) {
        List<String> states = new java.util.ArrayList<>();
        for (JsonNode entry : Http.send("GET", cluster.url(node, "/admin/api/cluster")).json().get("nodes")) {
            if (!entry.get("address").asText().equals(cluster.address(node))) {
                states.add(entry.get("state").asText());
            }
        }
        return states;
    }

    /** A node whose directory says it belongs to another cluster than its VIEW's nodes refuses to start. */
    @Test
    void aDirectoryOfAnotherClusterIsRefused() throws Exception {
        cluster = Cluster.start(2, FaultyHttpTransport::new, Map.of("DATA_DIR", data.toString()));
        Await.until(Duration.ofSeconds(10), "node 0 records its settled cluster id",
                () -> identityOf(cluster.dataDir(0)).matches(".*\"cluster\":\"[^\"]+\".*"));
        cluster.stopNode(0);
        Path identity = cluster.dataDir(0).resolve("node.json");
        Files.writeString(identity, Files.readString(identity).replaceFirst("\"cluster\":\"[^\"]+\"", "\"cluster\":\"another\""));
        Exception refused = assertThrows(Exception.class, () -> cluster.startNode(0));
        String message = String.valueOf(refused.getMessage()) + (refused.getCause() == null ? "" : refused.getCause().getMessage());
        assertTrue(message.contains("belongs to cluster another, but the nodes of VIEW answer as cluster"), message);
    }

    private void awaitTwoShards(List<String> a) {
        awaitLayout(a, List.of(a.get(0), a.get(2)));
    }

    /** Every node of {@code a} ready, with two shards: {@code shardOne}, and nodes 1 and 3. */
    private void awaitLayout(List<String> a, List<String> shardOne) {
        for (int i = 0; i < a.size(); i++) {
            int node = i;
            Await.until(TWENTY_SECONDS, "node " + node + " has the two-shard layout " + shardOne,
                    () -> Http.send("GET", cluster.url(node, "/ready")).status() == 200
                            && shardIds(cluster, node).equals(List.of(1, 2))
                            && members(cluster, node, 1).equals(shardOne)
                            && members(cluster, node, 2).equals(List.of(a.get(1), a.get(3))));
        }
    }

    /**
     * kvs-keys (manual membership): a view change to three nodes survives a restart of every
     * node, though two of them were started with a VIEW of two (API.md 8.5).
     */
    @Test
    void aKvsKeysViewChangeSurvivesARestartOfEveryNode() throws Exception {
        cluster = Cluster.startManual(2, FaultyHttpTransport::new, Map.of("DATA_DIR", data.toString()));
        for (int i = 0; i < 30; i++) {
            assertEquals(201, Http.send("PUT", cluster.url(i % 2, "/kvs/keys/v" + i), "{\"value\":" + i + "}").status());
        }
        int idle = cluster.addNode();
        List<String> a = cluster.addresses();
        Http.Reply change = Http.send("PUT", cluster.url(0, "/kvs/view-change"),
                "{\"view\":\"" + a.get(0) + "," + a.get(1) + "," + a.get(idle) + "\"}");
        assertEquals(200, change.status(), change.body());
        for (int i = 0; i < 3; i++) {
            cluster.stopNode(i);
        }
        for (int i = 0; i < 3; i++) {
            cluster.startNode(i);
        }
        for (int i = 0; i < 3; i++) {
            int node = i;
            Await.until(TWENTY_SECONDS, "node " + node + " has the three shards of the view change",
                    () -> Http.send("GET", cluster.url(node, "/kvs/shards")).body().contains("[\"1\",\"2\",\"3\"]"));
        }
        int total = 0;
        for (int i = 0; i < 3; i++) {
            total += Http.send("GET", cluster.url(i, "/kvs/key-count")).json().get("key-count").intValue();
        }
        assertEquals(30, total, "every key once, in the shards of the new view");
        for (int i = 0; i < 30; i++) {
            Http.Reply read = Http.send("GET", cluster.url(i % 3, "/kvs/keys/v" + i));
            assertEquals(200, read.status(), "v" + i + ": " + read.body());
        }
    }

    private static String identityOf(Path dir) {
        try {
            return Files.readString(dir.resolve("node.json"));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static String peerState(Cluster cluster) {
        for (JsonNode node : Http.send("GET", cluster.url(0, "/admin/api/cluster")).json().get("nodes")) {
            if (!node.get("address").asText().equals(cluster.address(0))) {
                return node.get("state").asText();
            }
        }
        return "";
    }
}
