package io.causalkv.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * N causalkv nodes, each a separate JVM ({@link NodeProcess}) on the test class path, all with the
 * same VIEW on 127.0.0.1. A node can be killed with SIGKILL (a real crash: no shutdown hook, no
 * goodbye to peers, its memory gone) and started again on its address. Only the processes this
 * fixture started are ever killed, by their handles.
 */
public final class ProcessCluster implements CrashableNodes, AutoCloseable {

    private static final Duration READY_BOUND = Duration.ofSeconds(30);
    private static final List<String> SETTINGS = List.of("SOCKET_ADDRESS", "ADDRESS", "VIEW", "SHARD_COUNT", "REPL_FACTOR",
            "FORWARDING_ADDRESS", "KVS_API", "KVS_WRITE_ACKS", "KVS_DEPENDENCY_WAIT_MS", "DATA_DIR", "KVS_FSYNC");

    private final List<Integer> ports = new ArrayList<>();
    private final Process[] processes;
    private final Map<String, String> settings;
    private final Path logs;

    private ProcessCluster(int size, Map<String, String> extra, Path logs) {
        for (int i = 0; i < size; i++) {
            ports.add(FreePorts.reserve());
        }
        processes = new Process[size];
        settings = new LinkedHashMap<>(extra);
        settings.put("VIEW", ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(",")));
        this.logs = logs;
    }

    /** Starts {@code size} node processes at once and returns when every one answers /ready. */
    public static ProcessCluster start(int size, Map<String, String> extra, Path logs) throws IOException {
        Files.createDirectories(logs);
        ProcessCluster cluster = new ProcessCluster(size, extra, logs);
        try {
            for (int i = 0; i < size; i++) {
                cluster.launch(i);
            }
            for (int i = 0; i < size; i++) {
                cluster.awaitReady(i, READY_BOUND);
            }
        } catch (IOException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    @Override
    public long restart(int i) throws IOException {
        if (isRunning(i)) {
            throw new IllegalStateException("node " + i + " is running");
        }
        long started = System.nanoTime();
        launch(i);
        awaitReady(i, READY_BOUND);
        return started;
    }

    @Override
    public void kill9(int i) {
        Process process = processes[i];
        if (process == null) {
            return;
        }
        CrashableNodes.sigkill(process, i);
        processes[i] = null;
    }

    /** The data directory of node {@code i}, when the cluster was started with a DATA_DIR. */
    public Path dataDir(int i) {
        return Path.of(settings.get("DATA_DIR")).toAbsolutePath().resolve("node-" + ports.get(i));
    }

    /** Kills every node (SIGKILL), then starts them all at once; returns when each answers /ready. */
    public long killAllAndRestart() throws IOException {
        for (int i = 0; i < processes.length; i++) {
            kill9(i);
        }
        long started = System.nanoTime();
        for (int i = 0; i < processes.length; i++) {
            launch(i);
        }
        for (int i = 0; i < processes.length; i++) {
            awaitReady(i, READY_BOUND);
        }
        return started;
    }

    public long pid(int i) {
        return processes[i].pid();
    }

    private void launch(int i) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Djava.util.logging.config.file=" + Path.of("src/test/resources/logging.properties").toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"),
                NodeProcess.class.getName(), Integer.toString(ports.get(i))));
        Map<String, String> own = new LinkedHashMap<>(settings);
        own.put("SOCKET_ADDRESS", address(i));
        if (settings.containsKey("DATA_DIR")) {
            // One directory per node under the one given, kept across restarts of the node.
            own.put("DATA_DIR", dataDir(i).toString());
        }
        own.forEach((name, value) -> command.add(name + "=" + value));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(new File(System.getProperty("user.dir")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("node-" + ports.get(i) + ".log").toFile()));
        builder.environment().keySet().removeIf(SETTINGS::contains);
        processes[i] = builder.start();
    }

    private void awaitReady(int i, Duration bound) {
        Await.until(bound, "node process " + i + " answers /ready", () -> {
            if (!processes[i].isAlive()) {
                throw new AssertionError("node process " + i + " exited with " + processes[i].exitValue()
                        + "; see " + logs.resolve("node-" + ports.get(i) + ".log"));
            }
            return Http.send("GET", url(i, "/ready")).status() == 200;
        });
    }

    @Override
    public int size() {
        return processes.length;
    }

    @Override
    public String address(int i) {
        return "127.0.0.1:" + ports.get(i);
    }

    @Override
    public boolean isRunning(int i) {
        return processes[i] != null && processes[i].isAlive();
    }

    @Override
    public void close() {
        for (int i = 0; i < processes.length; i++) {
            try {
                kill9(i);
            } catch (RuntimeException e) {
                // keep stopping the others
            }
        }
    }
}
