package io.causalkv.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.causalkv.testing.Await;
import io.causalkv.testing.Cluster;
import io.causalkv.testing.Http;
import io.causalkv.transport.FaultyHttpTransport;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The durability window the fault suite found (docs/RELIABILITY.md, "Fault suite"): right after
 * a blip, while its peers were reachable but not yet stable again, a replica acknowledged writes
 * at once and sent them nowhere for about 2 s; if it crashed then, the write was gone, although
 * API.md 6.4 says a write acknowledged while a peer was reachable survives. Now only the writes a
 * peer missed while cut off wait for it to be stable (10.3); a write made after it answered again
 * goes at once, and is acknowledged once the peer has it. (A write taken before node 0 hears
 * from its peers again, at most a heartbeat after the heal, is still acknowledged at once: 10.2
 * says a write never waits for a suspected replica.)
 */
class DurabilityAfterBlipTest {

    @Test
    void aWriteAcknowledgedRightAfterABlipSurvivesTheCrashOfItsReplica() throws Exception {
        try (Cluster cluster = Cluster.start(3, FaultyHttpTransport::new, Map.of())) {
            Await.until(Duration.ofSeconds(10), "the nodes agree on the layout", () -> Replicas.agreedLayout(cluster) != null);
            cluster.isolate(0);
            // A blip: long enough for node 0 to suspect its peers, well under the 3 s failure detection.
            Await.until(Duration.ofSeconds(2), "node 0 suspects both peers", () -> peerStates(cluster).equals("suspected,suspected"));
            cluster.heal();
            // Node 0 hears from its peers again (they are up) but does not replicate to them yet
            // (not stable for 2 s): the window in which writes used to live on node 0 alone.
            Await.until(Duration.ofSeconds(2), "node 0 sees both peers up again", () -> peerStates(cluster).equals("up,up"));
            assertEquals("false,false", peerStability(cluster), "the write must fall in the window before the peers are stable");
            Http.Reply put = Http.send("PUT", cluster.url(0, "/kvs/k"), "{\"value\":\"v\",\"causal-metadata\":null}");
            assertEquals(201, put.status(), put.body());
            String metadata = put.json().get("causal-metadata").toString();
            cluster.stopNode(0);
            Await.until(Duration.ofSeconds(5), "a survivor serves the acknowledged write", () -> {
                Http.Reply get = Http.send("GET", cluster.url(1, "/kvs/k"), "{\"causal-metadata\":" + metadata + "}");
                return get.status() == 200 && get.json().get("value").asText().equals("v");
            });
        }
    }

    /** Node 0's view of its two peers' states, in cluster order, joined by commas. */
    private static String peerStates(Cluster cluster) {
        return peerField(cluster, "state");
    }

    private static String peerStability(Cluster cluster) {
        return peerField(cluster, "stable");
    }

    private static String peerField(Cluster cluster, String field) {
        java.util.List<String> values = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode node : Http.send("GET", cluster.url(0, "/admin/api/cluster")).json().get("nodes")) {
            if (!node.get("address").asText().equals(cluster.address(0))) {
                values.add(node.get(field).asText());
            }
        }
        return String.join(",", values);
    }
}
