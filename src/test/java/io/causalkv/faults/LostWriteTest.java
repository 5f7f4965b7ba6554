package io.causalkv.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalkv.testing.Await;
import io.causalkv.testing.Cluster;
import io.causalkv.testing.Http;
import io.causalkv.transport.FaultyHttpTransport;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Metadata naming writes that can never come (issue 17 item 3), on a 2-node kvs cluster over
 * HTTP. A node's first write after it started, acknowledged on its copy alone while its peer
 * was unreachable (API.md 6.4), died with the node: no clock anywhere named that incarnation, so
 * nothing sealed it, and the writer's metadata was answered 503 at every node for good. And a
 * replica id that no node of the cluster ever had was a 503 for good, not invalid metadata.
 */
class LostWriteTest {

    @Test
    void metadataNamingALostFirstWriteIsServedOnceItsNodeHasRestartedAndAnUnknownReplicaIsInvalid() throws Exception {
        try (Cluster cluster = Cluster.start(2, FaultyHttpTransport::new, Map.of())) {
            Await.until(Duration.ofSeconds(10), "the nodes agree on the layout", () -> Replicas.agreedLayout(cluster) != null);
            cluster.isolate(0);
            Await.until(Duration.ofSeconds(3), "node 0 suspects its peer", () -> peerState(cluster).equals("suspected"));
            Http.Reply lost = Http.send("PUT", cluster.url(0, "/kvs/k"), "{\"value\":\"gone\",\"causal-metadata\":null}");
            assertEquals(201, lost.status(), lost.body());
            String metadata = lost.json().get("causal-metadata").toString();
            String lostReplica = lost.json().get("causal-metadata").get("s").fields().next().getValue().fieldNames().next();
            cluster.stopNode(0); // the write dies with it
            cluster.heal();
            Http.Reply refused = Http.send("GET", cluster.url(1, "/kvs/k"), "{\"causal-metadata\":" + metadata + "}");
            assertEquals(503, refused.status(), "while node 0 is down it may come back with the write: " + refused.body());

            cluster.startNode(0); // a new incarnation, with node 1's state
            Http.Reply[] last = new Http.Reply[1];
            Duration took = Await.until(Duration.ofSeconds(10), "node 1 answers the writer again", () -> {
                last[0] = Http.send("GET", cluster.url(1, "/kvs/k"), "{\"causal-metadata\":" + metadata + "}");
                return last[0].status() != 503;
            });
            assertEquals(404, last[0].status(), last[0].body());
            assertFalse(last[0].body().contains(lostReplica), "the answer drops the dead incarnation: " + last[0].body());
            System.out.println("a lost first write's metadata served " + took.toMillis() + " ms after its node restarted");

            String forged = "{\"e\":1,\"s\":{\"1\":{\"10.9.9.9:1@" + Long.toString(System.currentTimeMillis() - 3_600_000, 36)
                    + ".1\":4}}}";
            Http.Reply invalid = Http.send("GET", cluster.url(1, "/kvs/k"), "{\"causal-metadata\":" + forged + "}");
            assertEquals(400, invalid.status(), "a replica no node of the cluster ever had: " + invalid.body());
            JsonNode error = invalid.json().get("error");
            assertTrue(error != null && error.asText().contains("metadata"), invalid.body());
        }
    }

    /** Node 0's view of its peer's state. */
    private static String peerState(Cluster cluster) {
        for (JsonNode node : Http.send("GET", cluster.url(0, "/admin/api/cluster")).json().get("nodes")) {
            if (!node.get("address").asText().equals(cluster.address(0))) {
                return node.get("state").asText();
            }
        }
        return "";
    }
}
