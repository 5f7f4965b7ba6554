package io.causalkv.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.testing.Await;
import io.causalkv.testing.Http;
import io.causalkv.testing.netns.NetnsCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fault suite's scenarios on real processes in network namespaces ({@link NetnsCluster}):
 * standalone Jetty nodes, faults made by the kernel (packets dropped between nodes, processes
 * killed or paused), under the same recorded causal load and history check as
 * {@link FaultSuiteIT}, plus the faults only real processes and links have: a replica paused for
 * 5 s and a node that can send but not receive.
 */
class NetnsFaultSuiteIT {

    /** Longer than failure detection (3 s), so cut-off nodes are removed and must rejoin. */
    private static final Duration PARTITION = Duration.ofMillis(3_500);
    private static final Duration PAUSE = Duration.ofSeconds(5);
    private static final Duration ONE_WAY = Duration.ofSeconds(8);
    private static final Duration VIEWS_AGREE = Duration.ofSeconds(10);
    private static final Duration STUTTER_FOR = Duration.ofSeconds(3);
    private static final Duration STALL = Duration.ofMillis(200);
    /** Failure detection (3 s) plus a maintenance round and a client retry; a stage expires after 30 s. */
    private static final Duration WRITES_BACK = Duration.ofSeconds(7);

    @BeforeAll
    static void namespaces() {
        NetnsCluster.assumeAvailable();
    }

    @Test
    void threeNodesKill9OfTheReplicaThatAcknowledgedAWrite() throws Exception {
        try (NetnsCluster cluster = NetnsCluster.start("faults-kill9", 3, Map.of())) {
            FaultSuiteIT.run("kill -9 of the acknowledging replica, restart (netns)", "3 nodes, 1 shard", cluster, true,
                    h -> FaultSuiteIT.killAndRestart(cluster, 1, h, true));
        }
    }

    @Test
    void threeNodesOneNodeIsolated() throws Exception {
        try (NetnsCluster cluster = NetnsCluster.start("faults-isolated", 3, Map.of())) {
            FaultSuiteIT.run("partition isolating one node (netns)", "3 nodes, 1 shard", cluster, true, h -> partition(cluster, 2));
            viewsAgree(cluster);
        }
    }

    /**
     * {0,1,2} | {3,4,5}: each shard (0,2,4 and 1,3,5) is split 2 | 1. Once each side has removed
     * the other, each is asked to reshard: neither holds most of the layout's nodes, so both must
     * refuse (issue 16, item 5; before, each side committed a layout of its own in the same epoch).
     */
    @Test
    void sixNodesBothShardsSplit() throws Exception {
        try (NetnsCluster cluster = NetnsCluster.start("faults-split", 6, Map.of("SHARD_COUNT", "2"))) {
            FaultSuiteIT.run("partition splitting the shards; a reshard asked on each side (netns)", "6 nodes, 2 shards", cluster, false, h -> {
                cluster.partition(0, 1, 2);
                List<Http.Reply> answers = new ArrayList<>();
                try {
                    Await.until(Duration.ofSeconds(10), "each side has removed the other from its view", () -> {
                        String left = Http.send("GET", cluster.url(0, "/view")).body();
                        String right = Http.send("GET", cluster.url(3, "/view")).body();
                        return !left.contains(cluster.address(3)) && !left.contains(cluster.address(5))
                                && !right.contains(cluster.address(0)) && !right.contains(cluster.address(2));
                    });
                    for (int coordinator : List.of(0, 3)) {
                        answers.add(Http.send("PUT", cluster.url(coordinator, "/shard/reshard"), "{\"shard-count\":1}"));
                    }
                } finally {
                    cluster.heal();
                }
                for (Http.Reply answer : answers) {
                    assertEquals(503, answer.status(), "3 of the layout's 6 nodes changed it: " + answer.body());
                    assertEquals(Http.json("{\"error\":\"Shard unavailable\"}"), answer.json(), answer.body());
                }
                return new FaultSuiteIT.Heal(System.nanoTime(), "cut until each side removed the other; a reshard on each side answered 503");
            });
            viewsAgree(cluster);
        }
    }

    @Test
    void threeNodesReplicaPausedForFiveSeconds() throws Exception {
        try (NetnsCluster cluster = NetnsCluster.start("faults-paused", 3, Map.of())) {
            FaultSuiteIT.run("replica paused 5 s (SIGSTOP, SIGCONT)", "3 nodes, 1 shard", cluster, true, h -> {
                cluster.pause(1);
                Await.elapse(PAUSE);
                cluster.resume(1);
                return new FaultSuiteIT.Heal(System.nanoTime(), "paused for " + PAUSE.toMillis() + " ms");
            });
            viewsAgree(cluster);
        }
    }

    /**
     * The slow peer, as a process: this kernel has no netem to delay packets, so node 1 stalls
     * instead, stopped 200 ms of every 400 ms for 3 s (like long GC pauses). Calls to it time
     * out now and then, and answers come late.
     */
    @Test
    void sixNodesStutteringPeer() throws Exception {
        try (NetnsCluster cluster = NetnsCluster.start("faults-stutter", 6, Map.of("SHARD_COUNT", "2"))) {
            FaultSuiteIT.run("stuttering peer (stopped 200 ms of every 400 ms for 3 s)", "6 nodes, 2 shards", cluster, false, h -> {
                long end = System.nanoTime() + STUTTER_FOR.toNanos();
                while (System.nanoTime() < end) {
                    cluster.pause(1);
                    Await.elapse(STALL);
                    cluster.resume(1);
                    Await.elapse(STALL);
                }
                return new FaultSuiteIT.Heal(System.nanoTime(), "stuttered for " + STUTTER_FOR.toMillis() + " ms");
            });
            viewsAgree(cluster);
        }
    }

    /**
     * A node that still sends but receives nothing: its peers hear its heartbeats but get no answer
     * to theirs. While it lasts, the others' views may drop it, but must settle rather than add it
     * and remove it again and again; once it ends, every view lists every node.
     */
    @Test
    void threeNodesOneWayPartitionDoesNotMakeMembershipFlap() throws Exception {
        try (NetnsCluster cluster = NetnsCluster.start("faults-one-way", 3, Map.of())) {
            List<Integer> flips = new ArrayList<>();
            FaultSuiteIT.run("one-way partition (node 2 receives nothing)", "3 nodes, 1 shard", cluster, true, h -> {
                cluster.dropIncoming(2);
                long end = System.nanoTime() + ONE_WAY.toNanos();
                // The last half of the fault: membership must have settled by then.
                Boolean last = null;
                int changes = 0;
                while (System.nanoTime() < end) {
                    boolean listed = Http.send("GET", cluster.url(0, "/view")).body().contains(cluster.address(2));
                    if (System.nanoTime() > end - ONE_WAY.toNanos() / 2 && last != null && listed != last) {
                        changes++;
                    }
                    last = listed;
                    Await.elapse(Duration.ofMillis(100));
                }
                flips.add(changes);
                cluster.acceptIncoming(2);
                return new FaultSuiteIT.Heal(System.nanoTime(), "one-way for " + ONE_WAY.toMillis() + " ms; node 0's view changed "
                        + changes + " times about node 2 in its last half");
            });
            assertEquals(0, flips.get(0), "node 0's view kept adding and removing node 2 while it could only send");
            viewsAgree(cluster);
        }
    }

    @Test
    void sixNodesNodeKilledAndRestartedDuringAReshard() throws Exception {
        try (NetnsCluster cluster = NetnsCluster.start("faults-reshard", 6, Map.of("SHARD_COUNT", "2"))) {
            FaultSuiteIT.run("node killed and restarted during a reshard (2 -> 3 shards, netns)", "6 nodes, 2 shards", cluster, false, h -> {
                cluster.kill9(5);
                AtomicReference<Http.Reply> answer = new AtomicReference<>();
                long sent = System.nanoTime();
                Thread reshard = new Thread(() -> answer.set(Http.send("PUT", cluster.url(0, "/shard/reshard"), "{\"shard-count\":3}")));
                reshard.start();
                long started = cluster.restart(5);
                reshard.join(30_000);
                assertNotNull(answer.get(), "the reshard answered");
                assertEquals(200, answer.get().status(), answer.get().body());
                long heal = System.nanoTime();
                Duration agreed = Await.until(Duration.ofSeconds(20), "every node in the layout of 3 shards", () -> {
                    Replicas.Layout layout = Replicas.agreedLayout(cluster);
                    return layout != null && layout.shards().size() == 3;
                });
                return new FaultSuiteIT.Heal(heal, "node started again " + (started - sent) / 1_000_000 + " ms after the reshard was sent;"
                        + " reshard answered " + (heal - sent) / 1_000_000 + " ms after; every node in the new layout "
                        + agreed.toMillis() + " ms after the answer");
            });
        }
    }

    /**
     * Issue 16, item 1: both future members of the new shard are killed and the reshard is sent
     * at once, before failure detection removes them. Their shard's keys would have nowhere to
     * go, so the reshard must be refused (503, nothing changed) rather than committed with the
     * old replicas retired; once the two are back, no acknowledged write may be missing.
     */
    @Test
    void sixNodesReshardWhileTheNewShardsMembersAreDown() throws Exception {
        reshardWithoutTheNewShard("faults-new-down", "killed", (cluster, newShard) -> newShard.forEach(cluster::kill9),
                (cluster, newShard) -> {
                    for (int i : newShard) {
                        cluster.restart(i);
                    }
                });
    }

    /** The same with the two members stalled (SIGSTOP) instead of killed: STAGE gets no answer at all. */
    @Test
    void sixNodesReshardWhileTheNewShardsMembersAreStalled() throws Exception {
        reshardWithoutTheNewShard("faults-new-stalled", "stalled", (cluster, newShard) -> newShard.forEach(cluster::pause),
                (cluster, newShard) -> newShard.forEach(cluster::resume));
    }

    /**
     * Issue 16, item 5: the coordinator of a reshard is killed after STAGE froze the other nodes'
     * writes (node 3 is paused, so STAGE waits for it and the reshard goes no further). The staged
     * nodes must take writes again once failure detection gives up on the coordinator (3 s), not
     * at the stage's 30 s expiry; the reshard never commits, and nothing is lost.
     */
    @Test
    void fourNodesCoordinatorKilledAfterStage() throws Exception {
        try (NetnsCluster cluster = NetnsCluster.start("faults-coordinator", 4, Map.of("SHARD_COUNT", "2"))) {
            FaultSuiteIT.run("reshard's coordinator killed after STAGE (2 -> 1 shards, netns)", "4 nodes, 2 shards", cluster, false, h -> {
                long[] mark = cluster.logMark();
                cluster.pause(3);
                Thread reshard = new Thread(() -> Http.send("PUT", cluster.url(0, "/shard/reshard"), "{\"shard-count\":1}"));
                reshard.start();
                Await.until(Duration.ofSeconds(10), "nodes 1 and 2 staged the proposed layout",
                        () -> cluster.loggedSince(1, mark, "staged layout") && cluster.loggedSince(2, mark, "staged layout"));
                cluster.kill9(0);
                long killed = System.nanoTime();
                List<Long> back = new ArrayList<>();
                for (int node : List.of(1, 2)) {
                    Await.until(WRITES_BACK, "node " + node + " takes a write again after its coordinator died",
                            () -> Http.send("PUT", cluster.url(node, "/kvs/after-coordinator" + node),
                                    "{\"value\":1,\"causal-metadata\":null}").status() / 100 == 2);
                    back.add((System.nanoTime() - killed) / 1_000_000);
                }
                reshard.join(10_000);
                cluster.resume(3);
                cluster.restart(0);
                Replicas.Layout layout = Await.value(Duration.ofSeconds(15), "every node in one layout again",
                        () -> Replicas.agreedLayout(cluster), l -> l != null && l.members().size() == 4);
                assertEquals(2, layout.shards().size(), "the orphaned reshard was never committed: " + layout);
                return new FaultSuiteIT.Heal(System.nanoTime(), "staged nodes took writes again " + back + " ms after the coordinator's kill");
            });
        }
    }

    interface NodesFault {
        void apply(NetnsCluster cluster, List<Integer> nodes) throws Exception;
    }

    private static void reshardWithoutTheNewShard(String name, String how, NodesFault fault, NodesFault heal) throws Exception {
        try (NetnsCluster cluster = NetnsCluster.start(name, 6, Map.of("SHARD_COUNT", "2"))) {
            List<Integer> newShard = futureMembers(cluster, 2, 3, 3);
            int coordinator = cluster.indexes().stream().filter(i -> !newShard.contains(i)).findFirst().orElseThrow();
            FaultSuiteIT.run("reshard while the new shard's members are " + how + " (2 -> 3 shards, netns)", "6 nodes, 2 shards",
                    cluster, false, h -> {
                        fault.apply(cluster, newShard);
                        long sent = System.nanoTime();
                        Http.Reply answer = Http.send("PUT", cluster.url(coordinator, "/shard/reshard"), "{\"shard-count\":3}");
                        long answered = System.nanoTime();
                        heal.apply(cluster, newShard);
                        assertEquals(503, answer.status(), "the reshard had no member to take shard 3's keys: " + answer.body());
                        assertEquals(Http.json("{\"error\":\"Shard unavailable\"}"), answer.json(), answer.body());
                        return new FaultSuiteIT.Heal(System.nanoTime(), "nodes " + newShard + " " + how + "; reshard answered "
                                + answer.status() + " " + (answered - sent) / 1_000_000 + " ms after it was sent; both back");
                    });
            // Refused is not stuck: with every node back, the same reshard, asked again, is done.
            List<String> refusals = new ArrayList<>();
            try {
                Await.until(Duration.ofSeconds(30), "the reshard, retried, is done", () -> {
                    Http.Reply again = Http.send("PUT", cluster.url(coordinator, "/shard/reshard"), "{\"shard-count\":3}");
                    if (again.status() != 200) {
                        refusals.add(again.status() + " " + again.body());
                    }
                    return again.status() == 200 && again.body().contains("resharded");
                });
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; its answers: " + refusals, e);
            }
        }
    }

    /** The nodes (by index) that a reshard of the cluster's first layout gives {@code shard} of {@code to} shards. */
    private static List<Integer> futureMembers(NetnsCluster cluster, int from, int to, int shard) {
        List<NodeAddress> view = cluster.indexes().stream().map(i -> NodeAddress.parse(cluster.address(i))).toList();
        List<NodeAddress> members = ClusterMap.initial(view, from).resharded(to).shardMembers(shard);
        List<Integer> indexes = cluster.indexes().stream().filter(i -> members.contains(NodeAddress.parse(cluster.address(i)))).toList();
        assertEquals(2, indexes.size(), "shard " + shard + " of " + to + " has two members: " + members);
        return indexes;
    }

    private static FaultSuiteIT.Heal partition(NetnsCluster cluster, int... side) {
        cluster.partition(side);
        Await.elapse(PARTITION);
        cluster.heal();
        return new FaultSuiteIT.Heal(System.nanoTime(), "cut for " + PARTITION.toMillis() + " ms");
    }

    private static void viewsAgree(NetnsCluster cluster) {
        Await.until(VIEWS_AGREE, "every node's view lists every node", () -> cluster.indexes().stream().allMatch(i -> {
            String view = Http.send("GET", cluster.url(i, "/view")).body();
            return cluster.indexes().stream().allMatch(n -> view.contains(cluster.address(n)));
        }));
    }
}
