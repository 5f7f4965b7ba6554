package io.causalkv.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Drives {@code bin/cluster}, the same command users run, for end-to-end tests: the packaged WAR
 * in standalone Jetty processes. Each test cluster keeps its state in its own folder, so a
 * developer's running cluster is never touched, and only the PIDs it started are ever killed.
 */
final class ClusterScript implements AutoCloseable {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final long COMMAND_TIMEOUT_SECONDS = 120;

    private final Path state;
    private final int basePort;
    private final int nodes;
    private final int shards;

    private ClusterScript(Path state, int basePort, int nodes, int shards) {
        this.state = state;
        this.basePort = basePort;
        this.nodes = nodes;
        this.shards = shards;
    }

    /** Starts a cluster on fresh data directories and returns once every node answers /ready. */
    static ClusterScript start(String name, int nodes, int shards, int basePort) throws IOException, InterruptedException {
        ClusterScript cluster = new ClusterScript(ROOT.resolve("target/e2e/" + name), basePort, nodes, shards);
        cluster.run(cluster.startArgs("--fresh"));
        return cluster;
    }

    /** {@code bin/cluster stop}, then {@code start} with the same arguments: the nodes keep their data directories. */
    void stopAndStartAgain() throws IOException, InterruptedException {
        run("stop");
        run(startArgs());
    }

    private String[] startArgs(String... more) {
        List<String> args = new ArrayList<>(List.of("start", "--nodes", Integer.toString(nodes), "--shards", Integer.toString(shards),
                "--base-port", Integer.toString(basePort), "--detach", "--no-build"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    String url(int node, String path) {
        return "http://127.0.0.1:" + (basePort + node) + path;
    }

    int port(int node) {
        return basePort + node;
    }

    String address(int node) {
        return "127.0.0.1:" + (basePort + node);
    }

    int size() {
        return nodes;
    }

    /** Kills a node's process at once (SIGKILL), as a crash would. */
    void kill9(int node) throws IOException, InterruptedException {
        long pid = pid(node);
        Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("could not kill pid " + pid);
        }
        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(10, TimeUnit.SECONDS).join());
    }

    /** Starts a stopped node again, with its settings (same address, full VIEW). */
    void restart(int node) throws IOException, InterruptedException {
        run("start-node", Integer.toString(basePort + node));
    }

    private long pid(int node) throws IOException {
        for (String line : Files.readAllLines(state.resolve("pids"), StandardCharsets.UTF_8)) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 2 && Integer.parseInt(fields[0]) == basePort + node) {
                return Long.parseLong(fields[1]);
            }
        }
        throw new IllegalStateException("no pid for node " + node);
    }

    private void run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("bin/cluster").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("CAUSALKV_CLUSTER_DIR", state.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("bin/cluster " + String.join(" ", args) + " did not finish:\n" + output);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException("bin/cluster " + String.join(" ", args) + " failed:\n" + output);
        }
    }

    @Override
    public void close() {
        try {
            run("stop");
        } catch (IOException | InterruptedException | IllegalStateException e) {
            throw new IllegalStateException("could not stop the e2e cluster in " + state, e);
        }
    }
}
