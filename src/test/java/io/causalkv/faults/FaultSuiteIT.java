package io.causalkv.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.history.FinalState;
import io.causalkv.history.History;
import io.causalkv.history.HistoryChecker;
import io.causalkv.history.Op;
import io.causalkv.history.RecordingSession;
import io.causalkv.history.Violation;
import io.causalkv.history.Workload;
import io.causalkv.testing.Await;
import io.causalkv.testing.Cluster;
import io.causalkv.testing.CrashableNodes;
import io.causalkv.testing.Http;
import io.causalkv.testing.Nodes;
import io.causalkv.testing.ProcessCluster;
import io.causalkv.testing.Trees;
import io.causalkv.transport.FaultyHttpTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The fault suite of issue 8: each fault injected into a 3-node cluster (one shard) and a 6-node
 * cluster (two shards of three) under continuous load from four sessions carrying {@code kvs}
 * causal metadata and writing unique values. Every operation is recorded; after the heal the
 * replicas must agree within 5 s, and {@link HistoryChecker} must find no lost acknowledged
 * write, no causal violation and no divergence. Each scenario appends its figures to
 * {@code target/faults/fault-matrix.tsv} (docs/RELIABILITY.md, "Fault suite").
 *
 * <p>kill -9 runs on node processes ({@link ProcessCluster}: a JVM per node, killed with
 * SIGKILL); the partitions and the slow peer are injected in the peer transport of an
 * in-process {@link Cluster} ({@link FaultyHttpTransport}); the restart during a reshard stops
 * and starts an in-process node.
 */
class FaultSuiteIT {

    private static final Path OUT = Path.of("target/faults");
    private static final int SESSIONS = 4;
    /** Longer than failure detection (3 s), so cut-off nodes are removed and must rejoin. */
    private static final Duration PARTITION = Duration.ofMillis(3_500);
    private static final Duration SLOW_FOR = Duration.ofSeconds(3);
    private static final Duration SLOW_BY = Duration.ofMillis(250);
    private static final Duration LOAD_AFTER_HEAL = Duration.ofSeconds(1);
    private static final Duration WINDOW = Duration.ofSeconds(15);
    /** Every kvs request is answered within 5 s, with a 503 if it cannot finish (API.md 10.6). */
    private static final Duration ANSWER_BOUND = Duration.ofSeconds(5);
    private static final HistoryChecker CHECKER = HistoryChecker.causal();
    private static final java.util.Set<Violation.Kind> STALE_READS =
            java.util.EnumSet.of(Violation.Kind.READ_YOUR_WRITES, Violation.Kind.MONOTONIC_READS, Violation.Kind.CAUSAL_READ);

    /** When the fault was healed (nanoTime), and what was measured while it lasted. */
    record Heal(long nanos, String figures) {
    }

    @FunctionalInterface
    interface Fault {
        Heal inject(History history) throws Exception;
    }

    // ---- kill -9 of a replica process ---------------------------------------------------------

    /**
     * On nodes with data directories (KVS_FSYNC=batch, the default): the acknowledging replica
     * killed and restarted (it replays its log and pulls what it missed), then every node killed
     * at once and restarted (issue 18). One cluster for both: process clusters are slow to start.
     */
    @Test
    void threeNodesKill9OfTheAcknowledgingReplicaThenOfEveryNode() throws Exception {
        try (ProcessCluster cluster = ProcessCluster.start(3, withDataDirectories(3, Map.of()), OUT.resolve("logs"))) {
            run("kill -9 of the acknowledging replica, restart", "3 nodes, 1 shard", cluster, true, h -> killAndRestart(cluster, 1, h, true));
            run(EVERY_NODE_KILLED, "3 nodes, 1 shard", cluster, true, h -> killEveryNode(cluster, h, true), "all-");
        }
    }

    @Test
    void sixNodesKill9OfTheAcknowledgingReplicaThenOfEveryNode() throws Exception {
        try (ProcessCluster cluster = ProcessCluster.start(6, withDataDirectories(6, Map.of("SHARD_COUNT", "2")), OUT.resolve("logs"))) {
            run("kill -9 of the acknowledging replica, restart", "6 nodes, 2 shards", cluster, false, h -> killAndRestart(cluster, 2, h, false));
            run(EVERY_NODE_KILLED, "6 nodes, 2 shards", cluster, false, h -> killEveryNode(cluster, h, false), "all-");
        }
    }

    private static final String EVERY_NODE_KILLED = "kill -9 of every node, restart (DATA_DIR, fsync batch)";

    /** {@code settings} with a fresh DATA_DIR (one directory per node under it). */
    private static Map<String, String> withDataDirectories(int size, Map<String, String> settings) throws IOException {
        Path data = OUT.resolve("data-" + size);
        Trees.delete(data);
        Map<String, String> withData = new java.util.HashMap<>(settings);
        withData.put("DATA_DIR", data.toString()); // KVS_FSYNC=batch by default
        return withData;
    }

    /**
     * Kills every node at once (SIGKILL) under the load and starts them all again on their data
     * directories. The sessions go on with the metadata they had: each must be served again
     * (no 503 for dependencies on replicas that are gone), and the checker then finds every
     * acknowledged write.
     */
    static Heal killEveryNode(ProcessCluster cluster, History history, boolean oneShard) throws IOException {
        // Keys the load never writes: each must come back with the value acknowledged before the
        // kill (the load's own keys are written again after it, which would hide a loss).
        java.util.Set<String> sessions = new java.util.HashSet<>();
        history.ops().forEach(op -> sessions.add(op.session())); // the load's
        RecordingSession writer = new RecordingSession("durable-writer", history, oneShard);
        Map<String, String> kept = new java.util.LinkedHashMap<>();
        for (int n = 0; n < 20; n++) {
            Op put = writer.put(cluster.address(n % cluster.size()), "durable" + n);
            if (put.outcome() == Op.Outcome.OK) {
                kept.put(put.key(), put.value());
            }
        }
        assertTrue(kept.size() >= 15, "writes acknowledged before the kill: " + kept.size() + " of 20");
        long acknowledged = history.ops().stream().filter(Op::isAcknowledgedWrite).count();
        long started = cluster.killAllAndRestart();
        long ready = System.nanoTime();
        long readyInHistory = history.now();
        Duration served;
        try {
            served = Await.until(Duration.ofSeconds(15), "every session is served again with the metadata it had", () -> {
                java.util.Set<String> servedAgain = new java.util.HashSet<>();
                history.ops().stream().filter(op -> op.invokedNanos() > readyInHistory
                                && (op.outcome() == Op.Outcome.OK || op.outcome() == Op.Outcome.NOT_FOUND))
                        .forEach(op -> servedAgain.add(op.session()));
                return servedAgain.containsAll(sessions);
            });
        } catch (AssertionError e) {
            dump("kill9-all-" + cluster.size(), history);
            List<String> last = history.ops().stream().filter(op -> op.invokedNanos() > readyInHistory).map(Op::describe).toList();
            throw new AssertionError(e.getMessage() + "; answers since the restart: " + last.size() + ", last: "
                    + last.subList(Math.max(0, last.size() - 6), last.size()), e);
        }
        // Each key read once, at the nodes in turn (the final state, checked after the load, has every node's copy).
        int[] turn = {0};
        Duration restored = Await.until(Duration.ofSeconds(10), "the " + kept.size()
                + " writes acknowledged before the kill are served, to the writer's old metadata", () -> {
            for (Map.Entry<String, String> write : kept.entrySet()) {
                if (!write.getValue().equals(writer.get(cluster.address(turn[0]++ % cluster.size()), write.getKey()).observed())) {
                    return false;
                }
            }
            return true;
        });
        // Healed once the checks are done: the load ran on meanwhile, and the replicas must agree after it.
        return new Heal(System.nanoTime(), acknowledged + " writes acknowledged before every node was killed; restart to ready "
                + (ready - started) / 1_000_000 + " ms; every session served again " + served.toMillis()
                + " ms after; the " + kept.size() + " kept keys read " + restored.toMillis() + " ms after");
    }

    /**
     * Writes a key of the victim's shard through the victim, kills it (SIGKILL) as soon as it has
     * acknowledged, checks that a survivor serves that write, waits until the survivors remove
     * the victim, and starts it again.
     */
    static Heal killAndRestart(CrashableNodes cluster, int victim, History history, boolean oneShard) throws IOException {
        Replicas.Layout layout = Replicas.agreedLayout(cluster);
        assertNotNull(layout, "the layout before the kill");
        String victimAddress = cluster.address(victim);
        int shard = layout.shards().entrySet().stream().filter(e -> e.getValue().contains(victimAddress)).findFirst().orElseThrow().getKey();
        String key = keyOf(layout, shard, "crash");
        List<String> peers = layout.shards().get(shard).stream().filter(a -> !a.equals(victimAddress)).toList();
        RecordingSession writer = new RecordingSession("crash-writer", history, oneShard);
        // API.md 6.4 promises survival of a write acknowledged once a peer stored it. A write is
        // acknowledged without that when no peer is stable (suspected after one failed call,
        // stable again 2 s later) or after the 200 ms bound, so the crash write must be one that
        // a stable peer acknowledged: peers stable before it, and the answer well inside the bound.
        Op acknowledged = null;
        for (int attempt = 0; attempt < 20 && !peerAcknowledged(acknowledged); attempt++) {
            Await.until(Duration.ofSeconds(10), "the victim replicates to its shard's peers", () -> stable(victimAddress, peers));
            acknowledged = writer.put(victimAddress, key);
        }
        assertTrue(peerAcknowledged(acknowledged), acknowledged.describe());
        cluster.kill9(victim);
        long killed = System.nanoTime();
        String value = acknowledged.value();
        int[] turn = {0};
        Duration served;
        try {
            served = Await.until(Duration.ofSeconds(5), "a survivor serves the write the killed node acknowledged",
                    () -> value.equals(writer.get(peers.get(turn[0]++ % peers.size()), key).observed()));
        } catch (AssertionError e) {
            dump("kill9-" + cluster.size(), history);
            List<String> answers = history.ops().stream().filter(op -> op.session().equals(writer.id())).map(Op::describe).toList();
            throw new AssertionError(e.getMessage() + "; the acknowledged write: " + acknowledged.describe() + ", metadata "
                    + acknowledged.metadataReceived() + "; last answers: " + answers.subList(Math.max(0, answers.size() - 4), answers.size()), e);
        }
        Await.until(Duration.ofSeconds(10), "the survivors remove the killed node from their view", () -> {
            for (int i = 0; i < cluster.size(); i++) {
                if (i != victim && Http.send("GET", cluster.url(i, "/view")).body().contains(victimAddress)) {
                    return false;
                }
            }
            return true;
        });
        long removed = System.nanoTime();
        long started = cluster.restart(victim);
        long ready = System.nanoTime();
        return new Heal(ready, "crash write acknowledged in " + acknowledged.durationNanos() / 1_000_000
                + " ms, killed at once; a survivor served the acked write "
                + served.toMillis() + " ms after the kill; removed from views "
                + (removed - killed) / 1_000_000 + " ms after the kill; restart to ready "
                + (ready - started) / 1_000_000 + " ms");
    }

    private static boolean peerAcknowledged(Op put) {
        return put != null && put.outcome() == Op.Outcome.OK && put.durationNanos() < 150_000_000L;
    }

    /** Whether {@code node} reports every one of {@code peers} stable (it replicates to them). */
    private static boolean stable(String node, List<String> peers) {
        int stable = 0;
        for (var entry : Http.send("GET", "http://" + node + "/admin/api/cluster").json().get("nodes")) {
            if (peers.contains(entry.get("address").asText()) && entry.get("stable").asBoolean()) {
                stable++;
            }
        }
        return stable == peers.size();
    }

    // ---- partitions in the peer transport --------------------------------------------------

    @Test
    void threeNodesOneNodeIsolated() throws Exception {
        try (Cluster cluster = inProcess(3, Map.of())) {
            run("partition isolating one node", "3 nodes, 1 shard", cluster, true, h -> partition(cluster, () -> cluster.isolate(2)));
        }
    }

    @Test
    void sixNodesOneNodeIsolated() throws Exception {
        try (Cluster cluster = inProcess(6, Map.of("SHARD_COUNT", "2"))) {
            run("partition isolating one node", "6 nodes, 2 shards", cluster, false, h -> partition(cluster, () -> cluster.isolate(2)));
        }
    }

    @Test
    void threeNodesShardSplitIntoSingleReplicas() throws Exception {
        try (Cluster cluster = inProcess(3, Map.of())) {
            run("partition splitting the shard (every replica alone)", "3 nodes, 1 shard", cluster, true, h -> partition(cluster, () -> {
                cluster.isolate(0);
                cluster.isolate(1);
            }));
        }
    }

    @Test
    void sixNodesBothShardsSplit() throws Exception {
        // {0,1,2} | {3,4,5}: shard 1 (0,2,4) splits 2 | 1 and shard 2 (1,3,5) splits 1 | 2.
        try (Cluster cluster = inProcess(6, Map.of("SHARD_COUNT", "2"))) {
            run("partition splitting the shards", "6 nodes, 2 shards", cluster, false, h -> partition(cluster, () -> cluster.isolate(0, 1, 2)));
        }
    }

    private static Heal partition(Cluster cluster, Runnable cut) {
        cut.run();
        Await.elapse(PARTITION);
        cluster.heal();
        return new Heal(System.nanoTime(), "cut for " + PARTITION.toMillis() + " ms");
    }

    // ---- a slow peer ----------------------------------------------------------------------------

    @Test
    void threeNodesSlowPeer() throws Exception {
        try (Cluster cluster = inProcess(3, Map.of())) {
            run("slow peer (+" + SLOW_BY.toMillis() + " ms per peer call)", "3 nodes, 1 shard", cluster, true, h -> slow(cluster, 1));
        }
    }

    @Test
    void sixNodesSlowPeer() throws Exception {
        try (Cluster cluster = inProcess(6, Map.of("SHARD_COUNT", "2"))) {
            run("slow peer (+" + SLOW_BY.toMillis() + " ms per peer call)", "6 nodes, 2 shards", cluster, false, h -> slow(cluster, 2));
        }
    }

    private static Heal slow(Cluster cluster, int node) {
        cluster.faults().slow(cluster.nodeAddress(node), SLOW_BY);
        Await.elapse(SLOW_FOR);
        cluster.heal();
        return new Heal(System.nanoTime(), "slow for " + SLOW_FOR.toMillis() + " ms");
    }

    // ---- a node restarted during a reshard ----------------------------------------------------

    @Test
    void sixNodesNodeRestartedDuringAReshardToThreeShards() throws Exception {
        try (Cluster cluster = inProcess(6, Map.of("SHARD_COUNT", "2"))) {
            run("node restarted during a reshard (2 -> 3 shards)", "6 nodes, 2 shards", cluster, false, h -> restartDuringReshard(cluster, 5, 3));
        }
    }

    @Test
    void threeNodesNodeRestartedDuringAReshardToOneShard() throws Exception {
        try (Cluster cluster = inProcess(3, Map.of())) {
            run("node restarted during a reshard (replicated -> 1 shard)", "3 nodes, 1 shard", cluster, true, h -> restartDuringReshard(cluster, 2, 1));
        }
    }

    /**
     * Stops a node, sends the reshard while it is down, and starts it again while the reshard
     * runs: it is left out of the staging, comes back into a layout that changed under it, and
     * must fetch its new shard.
     */
    private static Heal restartDuringReshard(Cluster cluster, int node, int shards) throws Exception {
        cluster.stopNode(node);
        AtomicReference<Http.Reply> answer = new AtomicReference<>();
        long sent = System.nanoTime();
        Thread reshard = new Thread(() -> answer.set(Http.send("PUT", cluster.url(0, "/shard/reshard"), "{\"shard-count\":" + shards + "}")));
        reshard.start();
        cluster.startNode(node);
        long restarted = System.nanoTime();
        reshard.join(30_000);
        assertNotNull(answer.get(), "the reshard answered");
        assertEquals(200, answer.get().status(), answer.get().body());
        long heal = System.nanoTime();
        Duration agreed = Await.until(Duration.ofSeconds(20), "every node in the layout of " + shards + " shards", () -> {
            Replicas.Layout layout = Replicas.agreedLayout(cluster);
            return layout != null && layout.shards().size() == shards;
        });
        return new Heal(heal, "node back " + (restarted - sent) / 1_000_000 + " ms after the reshard was sent; reshard answered "
                + (heal - sent) / 1_000_000 + " ms after; every node in the new layout " + agreed.toMillis() + " ms after the answer");
    }

    // ---- the scenario ------------------------------------------------------------------------------

    private static Cluster inProcess(int size, Map<String, String> settings) throws Exception {
        return Cluster.start(size, FaultyHttpTransport::new, settings);
    }

    static void run(String fault, String clusterName, Nodes nodes, boolean oneShard, Fault inject) throws Exception {
        run(fault, clusterName, nodes, oneShard, inject, "");
    }

    /** @param keyPrefix before every key of the load: a second scenario on one cluster must not read the first's values */
    static void run(String fault, String clusterName, Nodes nodes, boolean oneShard, Fault inject, String keyPrefix) throws Exception {
        long began = System.nanoTime();
        Await.until(Duration.ofSeconds(10), "the nodes agree on the layout", () -> Replicas.agreedLayout(nodes) != null);
        // A settled cluster: until a node has heard from a peer for 2 s it acknowledges writes
        // without that peer's copy (API.md 10.3, RELIABILITY "Guarantees"), and a scenario that
        // then stops the node (the restart during a reshard) would lose them for a reason that is
        // not its fault. The kill -9 scenarios check that window on their own crash write.
        Await.until(Duration.ofSeconds(20), "every node counts every other node stable", () -> {
            List<String> running = new java.util.ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                if (nodes.isRunning(i)) {
                    running.add(nodes.address(i));
                }
            }
            return running.stream().allMatch(node -> stable(node, running.stream().filter(peer -> !peer.equals(node)).toList()));
        });
        History history = new History();
        Workload load = new Workload(nodes, history, SESSIONS, oneShard, fault.hashCode() + clusterName.hashCode(), keyPrefix);
        Heal heal;
        try {
            load.start();
            Await.until(Duration.ofSeconds(10), "the load is under way",
                    () -> history.ops().stream().filter(Op::isAcknowledgedWrite).count() >= 40);
            heal = inject.inject(history);
            Await.elapse(LOAD_AFTER_HEAL);
        } finally {
            load.stop();
        }
        long stopped = System.nanoTime();
        TreeSet<String> keys = new TreeSet<>();
        history.ops().forEach(op -> keys.add(op.key()));
        FinalState end = Replicas.converge(nodes, keys, heal.nanos(), WINDOW);
        // Where the time after the heal went, for a slow convergence: the load's stop waits
        // for every session's request in flight.
        String figures = heal.figures() + "; load stopped " + (stopped - heal.nanos()) / 1_000_000 + " ms after the heal; "
                + end.lastApartAfter().map(d -> "replicas last seen apart " + d.toMillis() + " ms after it").orElse("replicas agreed at the first look")
                + "; slowest op "
                + history.ops().stream().max(java.util.Comparator.comparingLong(Op::durationNanos))
                        .map(op -> op.durationNanos() / 1_000_000 + " ms: " + op.describe()).orElse("none");
        List<Violation> violations = new java.util.ArrayList<>(CHECKER.check(history, end));
        if (nodes instanceof Cluster) {
            // In one JVM the faults are between nodes only: nothing stands between the load and
            // a node, so a request not answered in time was held by the server.
            violations.addAll(HistoryChecker.slowAnswers(history, ANSWER_BOUND));
        }
        assertTrue(rolledBack(history, end).map(wrong -> CHECKER.check(history, wrong).stream()
                        .anyMatch(v -> v.kind() == Violation.Kind.LOST_WRITE)).orElse(true),
                "the checker sees a replica rolled back to an earlier acknowledged write of the same session");
        assertTrue(staleOwnRead(history).map(wrong -> CHECKER.check(wrong).stream()
                        .anyMatch(v -> STALE_READS.contains(v.kind()))).orElse(true),
                "the checker sees a session read its own older write");
        long millis = (System.nanoTime() - began) / 1_000_000;
        String line = String.join("\t", fault, clusterName, Integer.toString(history.size()),
                Long.toString(history.ops().stream().filter(Op::isAcknowledgedWrite).count()),
                Long.toString(history.ops().stream().filter(op -> op.outcome() == Op.Outcome.INDETERMINATE).count()),
                Long.toString(history.ops().stream().filter(Op::isObservation).count()),
                end.convergedAfter().map(d -> Long.toString(d.toMillis())).orElse("never"),
                Integer.toString(violations.size()), Long.toString(millis), figures, history.counts().toString());
        record(line);
        System.out.println("fault suite: " + line);
        violations.stream().limit(30).forEach(v -> System.out.println("  " + v));
        if (!violations.isEmpty()) {
            dump((fault + "-" + clusterName).replaceAll("[^A-Za-z0-9]+", "-"), history);
        }
        assertTrue(violations.isEmpty(), fault + " on " + clusterName + ": " + violations.size() + " violations, first: "
                + violations.stream().limit(10).toList() + "; " + figures);
    }

    /**
     * The final state with one replica of one key set back to the same session's previous
     * acknowledged write of that key (a lost write the checker must see), if the history has one.
     */
    private static java.util.Optional<FinalState> rolledBack(History history, FinalState end) {
        List<Op> ops = history.ops();
        for (var key : end.readings().entrySet()) {
            for (var replica : key.getValue().entrySet()) {
                String value = replica.getValue().value();
                Op last = ops.stream().filter(op -> op.kind() == Op.Kind.PUT && op.isAcknowledgedWrite() && op.value().equals(value))
                        .findFirst().orElse(null);
                if (value == null || last == null) {
                    continue;
                }
                java.util.Optional<Op> previous = ops.stream().filter(op -> op.kind() == Op.Kind.PUT && op.isAcknowledgedWrite()
                        && op.session().equals(last.session()) && op.key().equals(last.key()) && op.index() < last.index())
                        .reduce((a, b) -> b);
                if (previous.isPresent()) {
                    FinalState wrong = new FinalState().convergedAfter(end.convergedAfter().orElse(Duration.ZERO));
                    end.readings().forEach((k, replicas) -> replicas.forEach((r, reading) -> wrong.put(k, r,
                            k.equals(key.getKey()) && r.equals(replica.getKey()) ? FinalState.Reading.of(previous.get().value()) : reading)));
                    return java.util.Optional.of(wrong);
                }
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * The history with one read of a session's own write changed to return that session's
     * previous acknowledged write of the key instead (a read-your-writes violation), if it has one.
     */
    private static java.util.Optional<History> staleOwnRead(History history) {
        List<Op> ops = history.ops();
        Map<String, Op> putByValue = new java.util.HashMap<>();
        ops.stream().filter(op -> op.kind() == Op.Kind.PUT && op.isAcknowledgedWrite()).forEach(op -> putByValue.put(op.value(), op));
        for (Op read : ops) {
            Op write = read.kind() == Op.Kind.GET && read.outcome() == Op.Outcome.OK ? putByValue.get(read.value()) : null;
            if (write == null || !write.session().equals(read.session())) {
                continue;
            }
            java.util.Optional<Op> previous = ops.stream().filter(op -> op.kind() == Op.Kind.PUT && op.isAcknowledgedWrite()
                    && op.session().equals(write.session()) && op.key().equals(write.key()) && op.index() < write.index())
                    .reduce((a, b) -> b);
            if (previous.isPresent()) {
                String older = previous.get().value();
                return java.util.Optional.of(History.of(ops.stream().map(op -> op != read ? op : new Op(op.session(), op.index(), op.kind(),
                        op.key(), older, op.node(), op.invokedNanos(), op.completedNanos(), op.status(), op.outcome(),
                        op.metadataSent(), op.metadataReceived())).toList()));
            }
        }
        return java.util.Optional.empty();
    }

    /** The first key named {@code prefix<n>} that {@code layout} puts in {@code shard}. */
    static String keyOf(Replicas.Layout layout, int shard, String prefix) {
        for (int n = 0; n < 10_000; n++) {
            if (layout.shardOf(prefix + n) == shard) {
                return prefix + n;
            }
        }
        throw new AssertionError("no key " + prefix + "<n> in shard " + shard);
    }

    /** The whole history, one operation a line, for a failed scenario. */
    private static void dump(String name, History history) throws IOException {
        Files.createDirectories(OUT);
        List<String> lines = history.ops().stream().map(op -> op.describe() + "\t" + op.metadataSent() + "\t" + op.metadataReceived()).toList();
        Files.write(OUT.resolve(name + ".history.txt"), lines, StandardCharsets.UTF_8);
    }

    private static synchronized void record(String line) throws IOException {
        Files.createDirectories(OUT);
        Path matrix = OUT.resolve("fault-matrix.tsv");
        if (!Files.exists(matrix)) {
            Files.writeString(matrix, String.join("\t", "fault", "cluster", "ops", "acknowledged writes", "indeterminate writes",
                    "observations", "converged after heal (ms)", "violations", "scenario (ms)", "figures", "ops by outcome")
                    + System.lineSeparator(), StandardCharsets.UTF_8);
        }
        Files.writeString(matrix, line + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
