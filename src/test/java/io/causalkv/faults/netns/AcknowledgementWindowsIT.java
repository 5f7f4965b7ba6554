package io.causalkv.faults.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalkv.testing.Await;
import io.causalkv.testing.Http;
import io.causalkv.testing.Metrics;
import io.causalkv.testing.netns.NetnsCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * When a kvs write is acknowledged without a copy on a peer (API.md 6.4), on processes in network
 * namespaces. The windows issue 17 found, each measured by the node's own count of single-copy
 * acknowledgements, which must tell the truth.
 *
 * <p>Item 1, with a real partition (nftables; clients still reach every node): a replica of a 3-node kvs cluster is cut
 * off past the removal time and takes writes meanwhile (single-copy, API.md 6.4 allows it). After
 * the heal it rejoins with new senders; a new write reached its peers, which lacked the writes
 * before it, so they only buffered it, yet answered "accepted" and it was acknowledged as held by
 * two. Killed right then (kill -9), the replica took the write with it. The test holds the
 * acknowledgement to what it claims: every write acknowledged as held by a peer
 * ({@code causalkv_writes_acknowledged_total{copies="2"}}) is on the survivors after the kill;
 * and the peers take the writes they lack at once, so the writes after the heal are held by two.
 */
class AcknowledgementWindowsIT {

    private static final String HELD_BY_TWO = "causalkv_writes_acknowledged_total{copies=\"2\"}";
    private static final String SINGLE_COPY = "causalkv_writes_acknowledged_total{copies=\"1\"}";
    private static final int AFTER_HEAL = 5;

    @BeforeAll
    static void namespaces() {
        NetnsCluster.assumeAvailable();
    }

    @Test
    void aWriteAcknowledgedAsHeldByTwoAfterALongCutSurvivesAKillRightAfter() throws Exception {
        try (NetnsCluster cluster = NetnsCluster.start("longcut", 3, Map.of())) {
            Http.Reply before = Kvs.put(cluster, 0, "before", "0", "null");
            assertEquals(201, before.status(), before.body());

            cluster.partition(0);
            // Taken while cut off: at once, one copy (its peers are suspected).
            Http.Reply alone = Kvs.put(cluster, 0, "alone", "1", "null");
            assertEquals(201, alone.status(), alone.body());
            Await.until(Duration.ofSeconds(10), "node 0 removed from node 1's view", () -> !Kvs.view(cluster, 1).contains(cluster.address(0)));
            Await.until(Duration.ofSeconds(10), "node 0 removed its peers", () -> Kvs.view(cluster, 0).size() == 1);
            cluster.heal();
            Await.until(Duration.ofSeconds(10), "node 0 back in every view", () -> cluster.indexes().stream()
                    .allMatch(i -> Kvs.view(cluster, i).size() == 3));
            Await.until(Duration.ofSeconds(5), "node 0 sees both peers up", () -> peerStates(cluster).equals("up,up"));

            double heldBefore = Metrics.value(cluster, 0, HELD_BY_TWO);
            List<String> acknowledged = new ArrayList<>();
            for (int i = 0; i < AFTER_HEAL; i++) {
                Http.Reply put = Kvs.put(cluster, 0, "after-" + i, "" + i, "null");
                assertEquals(201, put.status(), put.body());
                acknowledged.add("after-" + i);
            }
            double heldByTwo = Metrics.value(cluster, 0, HELD_BY_TWO) - heldBefore;
            double singleCopy = Metrics.value(cluster, 0, SINGLE_COPY);
            cluster.kill9(0);

            // A write a peer has applied reaches the other survivor within 5 s (API.md 10.2).
            int[] present = {0};
            try {
                Await.until(Duration.ofSeconds(5), "the survivors hold every write acknowledged as held by a peer ("
                        + heldByTwo + ")", () -> (present[0] = survivors(cluster, acknowledged)) >= heldByTwo);
            } finally {
                System.out.printf("after the heal: %d writes, %.0f acknowledged as held by a peer, %.0f single-copy "
                        + "(node 0, in all), %d on both survivors after node 0's kill -9%n", AFTER_HEAL, heldByTwo, singleCopy, present[0]);
            }
            // The peers pull the writes they lack from node 0 when its first write after the heal
            // comes (held unseen until it is stable): from then on its writes are held by two.
            assertTrue(heldByTwo >= AFTER_HEAL - 1, heldByTwo + " of " + AFTER_HEAL + " writes after the heal held by a peer");
        }
    }

    /** How many of {@code keys} both survivors serve. */
    /**
     * Issue 17 item 2: a stall of one node (SIGSTOP for 500 ms, as a long GC pause or CPU
     * starvation would) with no network fault at all, in a 2-node cluster. Its peer's probe timed
     * out, so the peer suspected it; writes at the peer were acknowledged at once on one copy (a
     * write never waits for a suspected replica), and once the stalled node answered again, for
     * about 2 s more behind the writes queued meanwhile (20 of 20 in the first round before).
     * The stalled node's own probes time out late, when it resumes: no verdict on its peers.
     */
    @Test
    void aStallOfOneNodeLeavesTheWritesMadeRightAfterItHeldByTwo() throws Exception {
        try (NetnsCluster cluster = NetnsCluster.start("stall", 2, Map.of())) {
            Await.until(Duration.ofSeconds(10), "the nodes see each other stable", () -> stable(cluster, 0) && stable(cluster, 1));
            int writes = 20;
            List<String> singleCopy = new ArrayList<>();
            int[] peerSingle = new int[3];
            int stalledSingle = 0;
            for (int round = 0; round < 3; round++) {
                double[] before = {Metrics.value(cluster, 0, SINGLE_COPY), Metrics.value(cluster, 1, SINGLE_COPY)};
                cluster.pause(0);
                Await.elapse(Duration.ofMillis(500)); // the stall itself
                cluster.resume(0);
                for (int i = 0; i < writes; i++) {
                    for (int node = 1; node >= 0; node--) {
                        Http.Reply put = Kvs.put(cluster, node, "stall-" + round + "-" + node + "-" + i, "" + i, "null");
                        assertEquals(201, put.status(), put.body());
                    }
                }
                peerSingle[round] = (int) (Metrics.value(cluster, 1, SINGLE_COPY) - before[1]);
                int stalled = (int) (Metrics.value(cluster, 0, SINGLE_COPY) - before[0]);
                stalledSingle += stalled;
                singleCopy.add("peer " + peerSingle[round] + ", stalled " + stalled);
                Await.until(Duration.ofSeconds(10), "stable again", () -> stable(cluster, 0) && stable(cluster, 1));
            }
            System.out.println("single-copy acknowledgements among " + writes + " writes at each node right after each"
                    + " 500 ms stall of node 0: " + singleCopy);
            // The peer suspected node 0, rightly (it did not answer for 500 ms): until node 0's
            // first heartbeat after the stall reaches it and its probe comes back, a write there
            // is acknowledged at once (API.md 10.2), a few milliseconds' worth. Not for 2 s more.
            assertTrue(java.util.Arrays.stream(peerSingle).allMatch(n -> n <= 5), "single-copy writes: " + singleCopy);
            assertEquals(0, stalledSingle, "the stalled node suspected its peers: " + singleCopy);
        }
    }

    /**
     * Issue 17 item 3: a write acknowledged on one copy (its replica cut off), whose replica is
     * then killed and restarted, is gone; its writer's metadata names it, and every request
     * carrying that metadata was answered 503 at that shard for good (until a reshard). Once the
     * restarted node reports its new incarnation and every member has applied exactly as many of
     * the old one's writes, the lost ones are sealed off and the metadata works again.
     */
    @Test
    void aWriteLostWithItsReplicaDoesNotBlockItsWritersMetadataForGood() throws Exception {
        try (NetnsCluster cluster = NetnsCluster.start("sealed", 3, Map.of())) {
            String before = Kvs.metadata(Kvs.put(cluster, 0, "kept", "0", "null"));
            Await.until(Duration.ofSeconds(5), "every node has the first write",
                    () -> cluster.indexes().stream().allMatch(i -> Kvs.get(cluster, i, "kept", before).status() == 200));
            cluster.partition(0);
            Http.Reply lost = Kvs.put(cluster, 0, "lost", "1", before); // single-copy: node 0 is cut off
            assertEquals(201, lost.status(), lost.body());
            String metadata = Kvs.metadata(lost);
            // The replication node 0 tried at once sits in its kernel and is retransmitted when
            // the partition heals, even after the process died; past its deadline (1 s) the peers
            // refuse it as expired. Only then is the write lost for certain.
            Await.elapse(Duration.ofMillis(1_500));
            cluster.kill9(0);
            cluster.heal();
            assertEquals(503, Kvs.get(cluster, 1, "kept", metadata).status(), "the lost write is a dependency no one has");
            cluster.restart(0); // returns once it answers /ready
            long ready = System.nanoTime();
            Duration took = Await.until(Duration.ofSeconds(10), "the writer's metadata is served again at every node",
                    () -> cluster.indexes().stream().allMatch(i -> Kvs.get(cluster, i, "kept", metadata).status() == 200));
            System.out.println("a lost write's metadata served again " + took.toMillis() + " ms after its node's restart was ready");
            Http.Reply next = Kvs.put(cluster, 1, "next", "2", metadata);
            assertEquals(201, next.status(), next.body());
            String latest = Kvs.metadata(next);
            String deadIncarnation = Http.json(metadata).get("s").fields().next().getValue().fieldNames().next();
            assertTrue(metadata.contains(cluster.address(0) + "@") && deadIncarnation.startsWith(cluster.address(0) + "@"),
                    "the lost write's replica is node 0's old incarnation: " + metadata);
            assertTrue(!latest.contains(deadIncarnation), "answers drop the sealed incarnation: " + latest);
            Await.until(Await.remaining(Duration.ofSeconds(10), ready), "a write made with it reaches every node",
                    () -> cluster.indexes().stream().allMatch(i -> Kvs.get(cluster, i, "next", latest).status() == 200));
        }
    }

    /** Whether node {@code i} sees every other node up and stable. */
    private static boolean stable(NetnsCluster cluster, int i) {
        for (JsonNode node : Http.send("GET", cluster.url(i, "/admin/api/cluster")).json().get("nodes")) {
            if (!node.get("address").asText().equals(cluster.address(i)) && !node.get("stable").asBoolean()) {
                return false;
            }
        }
        return true;
    }

    private static int survivors(NetnsCluster cluster, List<String> keys) {
        int present = 0;
        for (String key : keys) {
            boolean everywhere = true;
            for (int node = 1; node < 3; node++) {
                everywhere &= Kvs.get(cluster, node, key, "null").status() == 200;
            }
            present += everywhere ? 1 : 0;
        }
        return present;
    }

    /** Node 0's view of its two peers' states, in cluster order, joined by commas. */
    private static String peerStates(NetnsCluster cluster) {
        return peerField(cluster, "state");
    }

    private static String peerField(NetnsCluster cluster, String field) {
        List<String> values = new ArrayList<>();
        for (JsonNode node : Http.send("GET", cluster.url(0, "/admin/api/cluster")).json().get("nodes")) {
            if (!node.get("address").asText().equals(cluster.address(0))) {
                values.add(node.get(field).asText());
            }
        }
        return String.join(",", values);
    }
}
