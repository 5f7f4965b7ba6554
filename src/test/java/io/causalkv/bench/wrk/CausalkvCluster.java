package io.causalkv.bench.wrk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A causalkv cluster of the bench, started and stopped with bin/cluster ({@code --detach
 * --no-build --fresh}) in its own state directory ({@code CAUSALKV_CLUSTER_DIR}): its nodes' PIDs
 * come from bin/cluster's {@code pids} file ({@code port pid} per line).
 */
final class CausalkvCluster implements AutoCloseable {

    static final int BASE_PORT = 29101;
    private static final int START_DEADLINE_SECONDS = 240;
    private static final int STOP_DEADLINE_SECONDS = 60;
    private static final long TRAINER_DEADLINE_NANOS = 180_000_000_000L;

    private final Path root;
    private final Path state;
    private final Path log;
    private boolean running;
    private List<Long> pids = List.of();

    CausalkvCluster(Path root) {
        this.root = root;
        this.state = root.resolve("target/bench/cluster");
        this.log = root.resolve("target/bench/cluster.log");
    }

    /** Starts {@code nodes} nodes ({@code shards} 0: one replicated shard) with {@code env} ({@code NAME=VALUE}) added. */
    void start(int nodes, int shards, List<String> env) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", root.resolve("bin/cluster").toString(), "start",
                "--nodes", Integer.toString(nodes), "--shards", Integer.toString(shards),
                "--base-port", Integer.toString(BASE_PORT), "--detach", "--no-build", "--fresh"));
        for (String setting : env) {
            command.addAll(List.of("--env", setting));
        }
        Files.createDirectories(log.getParent());
        Which.requireFree(java.util.stream.IntStream.range(BASE_PORT, BASE_PORT + nodes).boxed().toList(),
                "causalkv's nodes");
        running = true;
        Which.run(command, environment(), log, START_DEADLINE_SECONDS);
        List<Long> read = new ArrayList<>();
        for (String line : Files.readAllLines(state.resolve("pids"))) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 2) {
                read.add(Long.parseLong(fields[1]));
            }
        }
        pids = List.copyOf(read);
        awaitTraining();
    }

    /**
     * A first start of a new base trains its AOT cache in the background (bin/cluster's
     * train_in_background, a JVM answering requests for a while): the bench waits for it to end,
     * bounded, so that it does not run beside a measurement.
     */
    private void awaitTraining() throws IOException, InterruptedException {
        Path trainer = state.resolve("trainer");
        if (!Files.exists(trainer)) {
            return;
        }
        String pid = Files.readString(trainer).trim();
        if (pid.isEmpty()) {
            return;
        }
        var handle = ProcessHandle.of(Long.parseLong(pid));
        long deadline = System.nanoTime() + TRAINER_DEADLINE_NANOS;
        if (handle.isPresent() && handle.get().isAlive()) {
            System.out.println("  (waiting for bin/cluster's AOT training of the new base to end)");
        }
        while (handle.isPresent() && handle.get().isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
    }

    List<String> targets(int nodes) {
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            targets.add("127.0.0.1:" + (BASE_PORT + i));
        }
        return targets;
    }

    List<Long> pids() {
        return pids;
    }

    /** The JVM the nodes run ({@code base/java} of bin/cluster), {@code -version} first line. */
    String javaVersion() {
        try {
            String java = Files.readString(state.resolve("base/java")).trim();
            return Which.firstLine(java, "-version");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private Map<String, String> environment() {
        return Map.of("CAUSALKV_CLUSTER_DIR", state.toString());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (!running) {
            return;
        }
        running = false;
        pids = List.of();
        Which.run(List.of("bash", root.resolve("bin/cluster").toString(), "stop"), environment(), log,
                STOP_DEADLINE_SECONDS);
    }
}
