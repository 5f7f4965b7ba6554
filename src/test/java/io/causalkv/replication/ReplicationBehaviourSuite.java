package io.causalkv.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalkv.testing.Await;
import io.causalkv.testing.Cluster;
import io.causalkv.testing.Http;
import io.causalkv.transport.NetworkFaults;
import io.causalkv.transport.PeerTransport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replication, causality and membership of a 3-replica cluster (API.md 6.3, 6.4, 6.6, 9.6,
 * 10.1 to 10.4). Subclasses choose the peer transport: real HTTP, or the in-memory network.
 */
abstract class ReplicationBehaviourSuite {

    private static final Duration FIVE_SECONDS = Duration.ofSeconds(5);

    protected Cluster cluster;

    /** The peer transport of every node, given the faults the test injects. */
    protected abstract Function<NetworkFaults, PeerTransport> transport();

    @BeforeEach
    void startCluster() throws Exception {
        cluster = Cluster.start(3, transport(), Map.of());
    }

    @AfterEach
    void stopCluster() {
        cluster.close();
    }

    // ---- helpers ---------------------------------------------------------------------------

    private Http.Reply put(int node, String key, String valueJson, String metadata) {
        return Http.send("PUT", cluster.url(node, "/kvs/" + key), "{\"value\":" + valueJson + ",\"causal-metadata\":" + metadata + "}");
    }

    /** A request as API.md 10.2's client sends it: a 503 is retried 7 times, waiting 10 ms x 2^n (1.3 s in all). */
    private static Http.Reply retrying(java.util.function.Supplier<Http.Reply> request) {
        Http.Reply reply = request.get();
        for (int attempt = 0; attempt < 7 && reply.status() == 503; attempt++) {
            Await.elapse(Duration.ofMillis(10L << attempt));
            reply = request.get();
        }
        return reply;
    }

    private Http.Reply putRetrying(int node, String key, String valueJson, String metadata) {
        return retrying(() -> put(node, key, valueJson, metadata));
    }

    private Http.Reply get(int node, String key, String metadata) {
        return Http.send("GET", cluster.url(node, "/kvs/" + key), "{\"causal-metadata\":" + metadata + "}");
    }

    private static String metadataOf(Http.Reply reply) {
        return reply.json().get("causal-metadata").toString();
    }

    private List<String> view(int node) {
        List<String> view = new ArrayList<>();
        Http.send("GET", cluster.url(node, "/view")).json().get("view").forEach(a -> view.add(a.asText()));
        return view;
    }

    private void awaitValue(int node, String key, String metadata, String valueJson, Duration within) {
        Await.until(within, "node " + node + " serves " + key + "=" + valueJson, () -> {
            Http.Reply reply = get(node, key, metadata);
            return reply.status() == 200 && reply.json().get("value").equals(Http.json(valueJson));
        });
    }


    // ---- start-up and replication ------------------------------------------------------------

    @Test
    void everyNodeListsEveryNodeOfTheViewInViewOrder() {
        for (int i = 0; i < cluster.size(); i++) {
            int node = i;
            Await.until(Duration.ofSeconds(3), "view of node " + node, () -> view(node).equals(cluster.addresses()));
        }
        assertEquals(200, Http.send("GET", cluster.url(0, "/ready")).status());
    }

    @Test
    void aWriteReachesEveryReplicaAndAnUpToDateReaderGetsBackExactlyItsMetadata() {
        Http.Reply written = put(0, "colour", "\"blue\"", "null");
        assertEquals(201, written.status(), written.body());
        String m1 = metadataOf(written);
        for (int i = 0; i < cluster.size(); i++) {
            awaitValue(i, "colour", m1, "\"blue\"", Duration.ofSeconds(1));
            assertEquals(m1, metadataOf(get(i, "colour", m1)), "metadata echoed at node " + i);
        }
        Http.Reply replaced = putRetrying(1, "colour", "{\"r\":1}", m1);
        assertEquals(200, replaced.status(), replaced.body());
        assertEquals(Set.of("result", "causal-metadata"), fieldNames(replaced.json()));
    }

    @Test
    void aDeleteReplicatesAsATombstone() {
        String m1 = metadataOf(put(0, "gone", "1", "null"));
        Http.Reply deleted = retrying(() -> Http.send("DELETE", cluster.url(1, "/kvs/gone"), "{\"causal-metadata\":" + m1 + "}"));
        assertEquals(200, deleted.status(), deleted.body());
        String m2 = metadataOf(deleted);
        for (int i = 0; i < cluster.size(); i++) {
            int node = i;
            Await.until(Duration.ofSeconds(1), "tombstone at node " + node, () -> get(node, "gone", m2).status() == 404);
            assertEquals(m2, metadataOf(get(node, "gone", m2)));
        }
        assertEquals(201, putRetrying(2, "gone", "2", m2).status(), "a PUT after a delete creates the key again");
    }

    // ---- causality ---------------------------------------------------------------------------

    /**
     * Issue 17 item 4: one request claiming the latest Lamport time pinned every replica's clock
     * there for good; from then on writes tied, the replica id decided, and a client's later write
     * lost to its own earlier one at another node in one rotation of three. A client's claimed
     * time now moves a shard's clock no further than physical time plus the allowed skew.
     */
    @Test
    void aClaimedFarFutureTimeCannotMakeAClientsLaterWriteLoseToItsEarlierOne() throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode forged =
                (com.fasterxml.jackson.databind.node.ObjectNode) put(0, "pin", "0", "null").json().get("causal-metadata");
        forged.put("l", 9007199254740992L);
        assertEquals(200, putRetrying(0, "pin", "1", forged.toString()).status());
        for (int from = 0; from < cluster.size(); from++) {
            int to = (from + 1) % cluster.size();
            String key = "later-" + from;
            String first = metadataOf(putRetrying(from, key, "1", "null"));
            Http.Reply second = putRetrying(to, key, "2", first);
            assertEquals(200, second.status(), second.body());
            for (int i = 0; i < cluster.size(); i++) {
                awaitValue(i, key, metadataOf(second), "2", FIVE_SECONDS);
            }
        }
    }

    @Test
    void aReplicaMissingADependencyAnswers503AndNeverTheOldValue() {
        String m0 = metadataOf(put(0, "x", "\"old\"", "null"));
        awaitValue(2, "x", m0, "\"old\"", Duration.ofSeconds(1));
        cluster.isolate(2);
        String m1 = metadataOf(put(0, "x", "\"new\"", m0));
        Http.Reply lagging = get(2, "x", m1);
        assertEquals(503, lagging.status(), lagging.body());
        assertEquals(Http.json("{\"error\":\"Causal dependencies not satisfied; try again later\"}"), lagging.json());
        assertEquals(503, put(2, "y", "1", m1).status(), "a PUT depending on the missing write is refused too");
        cluster.heal();
        Await.until(FIVE_SECONDS, "node 2 serves the new x", () -> {
            Http.Reply reply = get(2, "x", m1);
            assertNotEquals(Http.json("\"old\""), reply.status() == 200 ? reply.json().get("value") : null, "old value served");
            return reply.status() == 200;
        });
        assertEquals(Http.json("\"new\""), get(2, "x", m1).json().get("value"));
    }

    /**
     * Node 2 has k=v1, is cut off for 0.5 s (suspected, not removed) while node 0 writes k=v2,
     * and is reconnected: the metadata of v1 and of v2, returned as the heal happens.
     */
    private String[] missAWriteWhileCutOff() {
        String m1 = metadataOf(put(0, "k", "\"v1\"", "null"));
        awaitValue(2, "k", m1, "\"v1\"", Duration.ofSeconds(1));
        cluster.isolate(2);
        String m2 = metadataOf(put(0, "k", "\"v2\"", m1));
        Await.elapse(Duration.ofMillis(500));
        cluster.heal();
        return new String[] {m1, m2};
    }

    @Test
    void theReconnectedReplicaStillMissesWritesAfter1sAndHasThemWithin5s() {
        String[] missed = missAWriteWhileCutOff();
        String m1 = missed[0];
        String m2 = missed[1];
        long healed = System.nanoTime();
        Await.elapse(Duration.ofMillis(1_000));
        Http.Reply dependent = get(2, "k", m2);
        Http.Reply older = get(2, "k", m1);
        assertTrue(System.nanoTime() - healed < 1_800_000_000L, "the checks ran about 1 s after reconnection");
        assertEquals(503, dependent.status(), "1 s after reconnection: " + dependent.body());
        assertEquals(200, older.status(), older.body());
        assertEquals(Http.json("\"v1\""), older.json().get("value"));
        Await.until(Await.remaining(FIVE_SECONDS, healed), "node 2 has v2 within 5 s of reconnection",
                () -> get(2, "k", m2).status() == 200);
        assertEquals(Http.json("\"v2\""), get(2, "k", m2).json().get("value"));
    }

    /**
     * The same with the sender writing again right after the heal: its new writes reach the
     * reconnected replica at once, and must not bring the missed ones with them (the replica holds
     * those unseen until their contact is stable; a new write must not release them early).
     */
    @Test
    void newWritesAfterTheHealDoNotShowTheMissedOnesEarly() {
        String m2 = missAWriteWhileCutOff()[1];
        long healed = System.nanoTime();
        List<String> early = new ArrayList<>();
        for (int i = 0; System.nanoTime() - healed < 1_000_000_000L; i++) {
            put(0, "fresh" + i, Integer.toString(i), "null");
            Http.Reply dependent = get(2, "k", m2);
            if (dependent.status() != 503) {
                early.add((System.nanoTime() - healed) / 1_000_000 + " ms: " + dependent.status() + " " + dependent.body());
            }
            Await.elapse(Duration.ofMillis(50));
        }
        assertTrue(early.isEmpty(), "the reconnected replica had the missed write within 1 s: " + early);
        Await.until(Await.remaining(FIVE_SECONDS, healed), "node 2 has v2 within 5 s of reconnection",
                () -> get(2, "k", m2).status() == 200);
    }

    // ---- availability and convergence -----------------------------------------------------

    @Test
    void replicasCutOffFromEachOtherStillAcceptWritesAtOnce() {
        cluster.isolate(0);
        cluster.isolate(1);
        for (int i = 0; i < cluster.size(); i++) {
            long started = System.nanoTime();
            Http.Reply reply = put(i, "alone" + i, Integer.toString(i), "null");
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(201, reply.status(), reply.body());
            // API.md 10.2: at once, or within 200 ms while the last reachable peer is being suspected.
            assertTrue(tookMillis < 400, "write at an isolated replica took " + tookMillis + " ms");
        }
        cluster.heal();
        for (int i = 0; i < cluster.size(); i++) {
            for (int k = 0; k < cluster.size(); k++) {
                awaitValue(i, "alone" + k, "null", Integer.toString(k), FIVE_SECONDS);
            }
        }
    }

    @Test
    void concurrentWritesToOneKeyConvergeAfterTheHeal() {
        cluster.isolate(0);
        assertEquals(201, put(0, "c", "\"from-0\"", "null").status());
        assertEquals(201, put(1, "c", "\"from-1\"", "null").status());
        cluster.heal();
        Await.until(FIVE_SECONDS, "all replicas agree on c", () -> {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < cluster.size(); i++) {
                Http.Reply reply = get(i, "c", "null");
                if (reply.status() != 200) {
                    return false;
                }
                seen.add(reply.body());
            }
            return seen.size() == 1;
        });
    }

    @Test
    void aLongPartitionRemovesTheCutOffReplicaWhichRejoinsAndConvergesAfterTheHeal() {
        cluster.isolate(2);
        String m = metadataOf(put(0, "during", "\"majority\"", "null"));
        assertEquals(201, put(2, "minority", "\"alone\"", "null").status());
        Await.until(Duration.ofSeconds(10), "node 2 removed from node 0's view", () -> !view(0).contains(cluster.address(2)));
        cluster.heal();
        long healed = System.nanoTime();
        for (int i = 0; i < cluster.size(); i++) {
            int node = i;
            Await.until(Await.remaining(FIVE_SECONDS, healed), "node 2 back in node " + node + "'s view",
                    () -> view(node).size() == 3);
        }
        awaitValue(2, "during", m, "\"majority\"", Duration.ofSeconds(5));
        awaitValue(0, "minority", "null", "\"alone\"", Duration.ofSeconds(5));
    }

    @Test
    void everyReplicaReportsTheSameKeyCountAfterWrites() {
        String metadata = "null";
        for (int i = 0; i < 30; i++) {
            Http.Reply written = putRetrying(i % 3, "count" + i, "1", metadata);
            assertEquals(201, written.status(), written.body());
            metadata = metadataOf(written);
        }
        String finalMetadata = metadata;
        Http.Reply deleted = retrying(() -> Http.send("DELETE", cluster.url(1, "/kvs/count0"), "{\"causal-metadata\":" + finalMetadata + "}"));
        assertEquals(200, deleted.status(), deleted.body());
        for (int i = 0; i < cluster.size(); i++) {
            int node = i;
            Await.until(FIVE_SECONDS, "node " + node + " counts 29 live keys", () -> Http.send("GET", cluster.url(node, "/shard/key-count/1"))
                    .json().equals(Http.json("{\"shard-key-count\":29}")));
        }
        assertEquals(Http.json("{\"shard-ids\":[1]}"), Http.send("GET", cluster.url(2, "/shard/ids")).json());
        assertEquals(Http.json("{\"node-shard-id\":1}"), Http.send("GET", cluster.url(2, "/shard/node-shard-id")).json());
        assertEquals(404, Http.send("GET", cluster.url(2, "/shard/members/2")).status());
    }

    // ---- membership ---------------------------------------------------------------------------

    @Test
    void aBriefBlipDoesNotRemoveAPeer() {
        cluster.isolate(2);
        Await.elapse(Duration.ofMillis(1_500));
        cluster.heal();
        // Failure needs about 3 s of continuous silence: for the next seconds the view stays whole.
        long until = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < until) {
            for (int i = 0; i < cluster.size(); i++) {
                assertEquals(cluster.addresses(), view(i), "view of node " + i + " after a 1.5 s blip");
            }
            Await.elapse(Duration.ofMillis(200));
        }
    }

    @Test
    void aStoppedNodeIsRemovedFromEveryViewWithin10Seconds() {
        cluster.stopNode(2);
        List<String> survivors = cluster.addresses().subList(0, 2);
        for (int i = 0; i < 2; i++) {
            int node = i;
            Await.until(Duration.ofSeconds(10), "node 2 removed from node " + node + "'s view", () -> view(node).equals(survivors));
        }
    }

    @Test
    void aRestartedNodeRejoinsAndServesTheWritesItMissed() throws Exception {
        cluster.stopNode(2);
        String metadata = "null";
        for (int i = 0; i < 20; i++) {
            Http.Reply written = putRetrying(i % 2, "missed" + i, Integer.toString(i), metadata);
            assertEquals(201, written.status(), written.body());
            metadata = metadataOf(written);
        }
        Await.until(Duration.ofSeconds(10), "node 2 removed", () -> !view(0).contains(cluster.address(2)));
        long restarted = System.nanoTime();
        cluster.startNode(2);
        String latest = metadata;
        for (int i = 0; i < cluster.size(); i++) {
            int node = i;
            Await.until(Await.remaining(FIVE_SECONDS, restarted), "node " + node + " lists the restarted node",
                    () -> view(node).contains(cluster.address(2)));
        }
        for (int i = 0; i < 20; i++) {
            awaitValue(2, "missed" + i, latest, Integer.toString(i), Await.remaining(FIVE_SECONDS, restarted));
        }
    }

    @Test
    void aNodeAddedToARunningClusterAppearsInEveryViewAndHoldsEveryKey() throws Exception {
        String metadata = "null";
        for (int i = 0; i < 10; i++) {
            Http.Reply written = putRetrying(i % 3, "before" + i, Integer.toString(i), metadata);
            assertEquals(201, written.status(), written.body());
            metadata = metadataOf(written);
        }
        long started = System.nanoTime();
        int added = cluster.addNode();
        List<String> everyone = cluster.addresses();
        for (int i = 0; i < cluster.size(); i++) {
            int node = i;
            Await.until(Await.remaining(FIVE_SECONDS, started), "node " + node + " lists the new node last",
                    () -> view(node).equals(everyone));
        }
        for (int i = 0; i < 10; i++) {
            awaitValue(added, "before" + i, metadata, Integer.toString(i), Await.remaining(FIVE_SECONDS, started));
        }
        assertEquals(201, put(added, "after", "1", metadata).status());
        awaitValue(0, "after", "null", "1", Duration.ofSeconds(1));
    }

    @Test
    void viewChangesSentToOneNodeReachEveryNode() {
        String body = "{\"socket-address\":\"" + cluster.address(2) + "\"}";
        Http.Reply deleted = Http.send("DELETE", cluster.url(0, "/view"), body);
        assertEquals(200, deleted.status());
        assertEquals(Http.json("{\"result\":\"deleted\"}"), deleted.json());
        for (int i = 0; i < 2; i++) {
            int node = i;
            Await.until(FIVE_SECONDS, "node 2 gone from node " + node, () -> !view(node).contains(cluster.address(2)));
        }
        Http.Reply again = Http.send("DELETE", cluster.url(1, "/view"), body);
        assertEquals(404, again.status());
        assertEquals(Http.json("{\"error\":\"View has no such replica\"}"), again.json());
        Http.Reply added = Http.send("PUT", cluster.url(1, "/view"), body);
        assertEquals(201, added.status());
        assertEquals(Http.json("{\"result\":\"added\"}"), added.json());
        for (int i = 0; i < cluster.size(); i++) {
            int node = i;
            Await.until(FIVE_SECONDS, "node 2 back in node " + node + "'s view", () -> view(node).equals(cluster.addresses()));
        }
        Http.Reply present = Http.send("PUT", cluster.url(2, "/view"), body);
        assertEquals(200, present.status());
        assertEquals(Http.json("{\"result\":\"already present\"}"), present.json());
        Http.Reply invalid = Http.send("PUT", cluster.url(0, "/view"), "{\"socket-address\":\"nonsense\"}");
        assertEquals(400, invalid.status());
        assertEquals(Http.json("{\"error\":\"Missing or invalid socket-address\"}"), invalid.json());
    }

    @Test
    void aWriteAcknowledgedWhileAPeerWasReachableSurvivesTheCrashOfItsReplica() {
        // The write path waits for a peer only once node 0 replicates to one (a stable peer).
        Await.until(FIVE_SECONDS, "node 0 replicates to both peers", () -> {
            JsonNode nodes = Http.send("GET", cluster.url(0, "/admin/api/cluster")).json().get("nodes");
            int stable = 0;
            for (JsonNode node : nodes) {
                stable += node.path("stable").asBoolean() ? 1 : 0;
            }
            return stable == 3;
        });
        Http.Reply written = put(0, "durable", "\"yes\"", "null");
        assertEquals(201, written.status());
        cluster.stopNode(0);
        String metadata = metadataOf(written);
        awaitValue(1, "durable", metadata, "\"yes\"", FIVE_SECONDS);
        awaitValue(2, "durable", metadata, "\"yes\"", FIVE_SECONDS);
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
