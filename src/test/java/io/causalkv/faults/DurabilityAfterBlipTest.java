package io.causalkv.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.causalkv.testing.Await;
import io.causalkv.testing.Cluster;
import io.causalkv.testing.Http;
import io.causalkv.transport.FaultyHttpTransport;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The durability window the fault suite found (docs/RELIABILITY.md, "Fault suite"): after a
 * blip, a replica acknowledges writes at once for about 2 s, because its peers are reachable
 * but not yet stable again (API.md 10.2, 10.3), so such a write lives on that replica only.
 * If the replica then crashes, the write is gone, although API.md 6.4 says a write acknowledged
 * while a peer was reachable survives; and a client holding its metadata gets 503 from the
 * survivors for good (no replica will ever apply that dot). Disabled until the contract decides
 * between 6.4's durability and 10.3's "still missing 1 s after reconnection"; it passes once a
 * fix keeps such writes (e.g. stored at the peer but applied only when it is stable again).
 */
class DurabilityAfterBlipTest {

    @Test
    @Disabled("known limit: writes acknowledged while every peer is suspected live on one replica (docs/RELIABILITY.md)")
    void aWriteAcknowledgedRightAfterABlipSurvivesTheCrashOfItsReplica() throws Exception {
        try (Cluster cluster = Cluster.start(3, FaultyHttpTransport::new, Map.of())) {
            Await.until(Duration.ofSeconds(10), "the nodes agree on the layout", () -> Replicas.agreedLayout(cluster) != null);
            cluster.isolate(0);
            Await.elapse(Duration.ofMillis(600)); // a blip: well under the 3 s failure detection
            cluster.heal();
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
}
