package io.causalkv.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalkv.testing.Await;
import io.causalkv.testing.Cluster;
import io.causalkv.testing.EmbeddedNode;
import io.causalkv.testing.FreePorts;
import io.causalkv.testing.Http;
import io.causalkv.transport.ClusterToken;
import io.causalkv.transport.FaultyHttpTransport;
import io.causalkv.transport.PeerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * CLUSTER_TOKEN on real nodes over HTTP: a cluster that shares it replicates, relays and takes a
 * joining node as usual; a client without it, or with a wrong one, cannot inject replication,
 * hand-over, join, view (ping) or reshard traffic, nor pose as a relaying node; and nodes with
 * different tokens never merge their views.
 */
class ClusterTokenClusterTest {

    private static final String TOKEN = "s3cret-for-tests-only_0123456789";
    private static final Duration FIVE_SECONDS = Duration.ofSeconds(5);
    private static final String FAKE_NODE = "127.0.0.1:1";

    private Cluster cluster;
    private EmbeddedNode stranger;

    @AfterEach
    void stop() {
        if (stranger != null) {
            stranger.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void peerEndpointsRefuseCallsWithoutTheTokenOrWithAWrongOne() {
        startReplicated(2);
        Map<String, String> none = Map.of();
        Map<String, String> wrong = Map.of(ClusterToken.HEADER, TOKEN + "x");
        for (int node = 0; node < 2; node++) {
            for (String operation : List.of("ping", "replicate", "sync", "join", "handoff", "reshard", "key-count")) {
                Http.Reply missing = peerCall(node, operation, none);
                assertEquals(401, missing.status(), operation + ": " + missing.body());
                assertEquals(Http.json("{\"error\":\"Cluster token required\"}"), missing.json());
                assertEquals("application/json", missing.contentType());
                Http.Reply refused = peerCall(node, operation, wrong);
                assertEquals(403, refused.status(), operation + ": " + refused.body());
                assertEquals(Http.json("{\"error\":\"Invalid cluster token\"}"), refused.json());
            }
        }
        for (int node = 0; node < 2; node++) {
            assertEquals(404, Http.send("GET", cluster.url(node, "/kvs/forged")).status(), "no forged write was stored");
            assertEquals(404, Http.send("GET", cluster.url(node, "/kvs/handed")).status(), "no forged hand-over was stored");
            assertEquals(cluster.addresses(), view(node), "no forged join or ping changed the view");
        }

        // The same messages with the token do act: what stopped them above was the token alone.
        Map<String, String> right = Map.of(ClusterToken.HEADER, TOKEN);
        assertEquals(Http.json("{\"accepted\":true,\"held\":1}"), peerCall(0, "replicate", right).json());
        assertEquals(200, Http.send("GET", cluster.url(0, "/kvs/forged")).status());
        assertEquals(200, peerCall(1, "ping", right).status());
        Await.until(FIVE_SECONDS, "the pinged map reaches node 1's view", () -> view(1).contains(FAKE_NODE));
    }

    @Test
    void aClusterWithTheTokenReplicatesRelaysAndTakesAJoiningNode() throws Exception {
        cluster = Cluster.start(4, FaultyHttpTransport::new, Map.of("SHARD_COUNT", "2", "CLUSTER_TOKEN", TOKEN));
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            Http.Reply put = Http.send("PUT", cluster.url(i % 4, "/kvs/k" + i), "{\"value\":" + i + "}");
            assertEquals(201, put.status(), put.body());
            metadata.put("k" + i, put.json().get("causal-metadata").toString());
        }
        // Every node answers for every key: served by a replica of its shard, or relayed to one.
        for (Map.Entry<String, String> key : metadata.entrySet()) {
            for (int node = 0; node < 4; node++) {
                int n = node;
                Await.until(FIVE_SECONDS, "node " + n + " reads " + key.getKey(), () -> Http.send("GET",
                        cluster.url(n, "/kvs/" + key.getKey()), "{\"causal-metadata\":" + key.getValue() + "}").status() == 200);
            }
        }
        int added = cluster.addNodeWithout("SHARD_COUNT");
        Await.until(FIVE_SECONDS, "node 0 lists the joining node", () -> view(0).contains(cluster.address(added)));
        Http.Reply addMember = Http.send("PUT", cluster.url(0, "/shard/add-member/2"),
                "{\"socket-address\":\"" + cluster.address(added) + "\"}");
        assertEquals(200, addMember.status(), addMember.body());
        Await.until(FIVE_SECONDS, "the new member holds shard 2's keys", () -> ownKeys(added) > 0
                && ownKeys(added) == Http.send("GET", cluster.url(0, "/shard/key-count/2")).json().get("shard-key-count").intValue());
    }

    @Test
    void relayHeadersAreHonouredOnlyWithTheToken() throws Exception {
        cluster = Cluster.start(2, FaultyHttpTransport::new, Map.of("SHARD_COUNT", "2", "CLUSTER_TOKEN", TOKEN));
        // A key node 0 does not hold: node 0 relays it to node 1 (each node is one shard).
        String key = keyOwnedBy(1);
        Map<String, String> forged = Map.of(PeerRequest.HOPS_HEADER, "2", PeerRequest.BUDGET_HEADER, "1");
        Http.Reply asClient = Http.send("PUT", cluster.url(0, "/kvs/" + key), "{\"value\":1}", forged);
        assertEquals(200, asClient.status(), "forged relay headers are ignored, the key replaced: " + asClient.body());

        Map<String, String> asPeer = new LinkedHashMap<>(forged);
        asPeer.put(ClusterToken.HEADER, TOKEN);
        Http.Reply honoured = Http.send("PUT", cluster.url(0, "/kvs/" + key), "{\"value\":2}", asPeer);
        assertEquals(503, honoured.status(), "a node's hop count stops the relay: " + honoured.body());
    }

    @Test
    void nodesWithDifferentTokensNeverMergeTheirViews() throws Exception {
        List<String> logged = java.util.Collections.synchronizedList(new ArrayList<>());
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            private final java.util.logging.Formatter text = new java.util.logging.SimpleFormatter();

            @Override
            public void publish(java.util.logging.LogRecord record) {
                logged.add(text.format(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger.getLogger("").addHandler(capture);
        try {
            differentTokens(logged);
        } finally {
            java.util.logging.Logger.getLogger("").removeHandler(capture);
        }
        assertTrue(logged.stream().anyMatch(line -> line.contains("CLUSTER_TOKEN")), "the refusal is logged: " + logged);
        for (String line : logged) {
            assertFalse(line.contains(TOKEN) || line.contains("another-token"), "a token in the log: " + line);
        }
    }

    private void differentTokens(List<String> logged) throws Exception {
        startReplicated(2);
        int port = FreePorts.reserve();
        String own = "127.0.0.1:" + port;
        stranger = EmbeddedNode.startOn(port, Map.of("SOCKET_ADDRESS", own, "VIEW", cluster.address(0) + "," + own,
                "CLUSTER_TOKEN", "another-token"));
        // The stranger's heartbeats reach the cluster and are refused: any map they carried would
        // have been merged by then (a refusal is logged once, at the first refused call).
        Await.until(FIVE_SECONDS, "a peer call refused for its token",
                () -> logged.stream().anyMatch(line -> line.contains("CLUSTER_TOKEN")));
        for (int node = 0; node < 2; node++) {
            assertEquals(cluster.addresses(), view(node), "the cluster never learns of the stranger");
        }
        List<String> strangersView = new ArrayList<>();
        Http.send("GET", stranger.url("/view")).json().get("view").forEach(a -> strangersView.add(a.asText()));
        assertFalse(strangersView.contains(cluster.address(1)), "the stranger never learns the cluster's map: " + strangersView);
    }

    private void startReplicated(int size) {
        try {
            cluster = Cluster.start(size, FaultyHttpTransport::new, Map.of("CLUSTER_TOKEN", TOKEN));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (int node = 0; node < size; node++) {
            int n = node;
            Await.until(FIVE_SECONDS, "node " + n + " sees the whole view", () -> view(n).equals(cluster.addresses()));
        }
    }

    /** A well-formed peer message that would change the store or the view if it were taken. */
    private Http.Reply peerCall(int node, String operation, Map<String, String> headers) {
        String shard = "{\"shard\":1,\"epoch\":1}";
        String fakeMap = "{\"layout\":{\"e\":1,\"n\":1,\"x\":false,\"r\":0},\"nodes\":[{\"a\":\"" + FAKE_NODE
                + "\",\"s\":\"ALIVE\",\"v\":1,\"o\":9,\"h\":0,\"he\":0}]}";
        String body = switch (operation) {
            case "ping" -> "{\"from\":\"" + FAKE_NODE + "\",\"map\":" + fakeMap + "}";
            case "replicate" -> "{\"from\":\"" + FAKE_NODE + "\",\"shard\":" + shard
                    + ",\"writes\":[{\"k\":\"forged\",\"v\":\"evil\",\"r\":\"evil@x.1\",\"q\":1,\"l\":1}]}";
            case "sync" -> "{\"from\":\"" + FAKE_NODE + "\",\"shard\":" + shard + ",\"since\":{}}";
            case "join" -> "{\"address\":\"" + FAKE_NODE + "\"}";
            case "handoff" -> "{\"shard\":" + shard + ",\"entries\":[{\"k\":\"handed\",\"v\":1,\"r\":\"evil@y.1\",\"q\":1,\"l\":1}]}";
            case "reshard" -> "{\"phase\":\"STAGE\",\"map\":" + fakeMap + ",\"participants\":[\"" + FAKE_NODE + "\"]}";
            default -> "{\"shard\":" + shard + "}";
        };
        return Http.send("POST", cluster.url(node, "/internal/" + operation), body, headers);
    }

    private List<String> view(int node) {
        List<String> view = new ArrayList<>();
        Http.send("GET", cluster.url(node, "/view")).json().get("view").forEach(a -> view.add(a.asText()));
        return view;
    }

    /** The node's own replica's key count, as its admin JSON reports it. */
    private int ownKeys(int node) {
        for (JsonNode entry : Http.send("GET", cluster.url(node, "/admin/api/cluster")).json().get("nodes")) {
            if (entry.get("address").asText().equals(cluster.address(node)) && entry.get("keys").isInt()) {
                return entry.get("keys").intValue();
            }
        }
        return -1;
    }

    /** A key whose shard is node {@code node}'s, asked through the key-value-store dialect's shard-id. */
    private String keyOwnedBy(int node) {
        int shard = Http.send("GET", cluster.url(node, "/shard/node-shard-id")).json().get("node-shard-id").intValue();
        for (int i = 0; i < 100; i++) {
            Http.Reply put = Http.send("PUT", cluster.url(node, "/key-value-store/probe" + i), "{\"value\":0}");
            if (put.json().path("shard-id").asInt() == shard) {
                return "probe" + i;
            }
        }
        throw new AssertionError("no key of shard " + shard + " in 100 tries");
    }
}
