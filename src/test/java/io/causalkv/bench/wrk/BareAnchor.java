package io.causalkv.bench.wrk;

import io.causalkv.bench.startup.TrivialWar;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The bare anchor: the trivial Jetty + Jersey + Jackson webapp ({@code TrivialApp}: {@code /hello}
 * and {@code /kvs/{key}} over a map) on one standalone Jetty, made and run as bin/cluster runs a
 * node ({@code bin/cluster base DIR WAR}, then {@code bin/cluster exec DIR PORT}): what the same
 * server, framework and JSON cost with no store behind them.
 */
final class BareAnchor implements AutoCloseable {

    static final int PORT = 29150;
    static final int TRAINING_PORT = 29151;
    private static final Duration READY_DEADLINE = Duration.ofSeconds(90);

    private final Path root;
    private final Path state;
    private Process node;

    /** {@code root}: the project; the anchor's base, WAR and log go to target/bench/bare. */
    BareAnchor(Path root) {
        this.root = root;
        this.state = root.resolve("target/bench/bare");
    }

    String target() {
        return "127.0.0.1:" + PORT;
    }

    List<Long> pids() {
        return node == null ? List.of() : List.of(node.pid());
    }

    void start() throws IOException, InterruptedException {
        Which.requireFree(List.of(PORT, TRAINING_PORT), "the bare anchor");
        Files.createDirectories(state);
        Path war = state.resolve("trivial-jersey.war");
        TrivialWar.make(root.resolve("target/causalkv.war"), root.resolve("target/test-classes"), war);
        Map<String, String> env = Map.of("CAUSALKV_CLUSTER_DIR", state.toString());
        Path log = state.resolve("node.log");
        Files.deleteIfExists(log);
        // The base is kept while its inputs are unchanged (and with it the AOT cache trained on TRAINING_PORT).
        Which.run(List.of("bash", root.resolve("bin/cluster").toString(), "base", state.resolve("base").toString(),
                war.toString(), "", Integer.toString(TRAINING_PORT)), env, log, 180);
        // bin/cluster exec replaces its shell with the JVM: the process started here is the node's.
        ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("bin/cluster").toString(), "exec",
                state.resolve("base").toString(), Integer.toString(PORT))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        node = builder.start();
        awaitReady();
    }

    private void awaitReady() throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + READY_DEADLINE.toNanos();
        while (System.nanoTime() < deadline && node.isAlive()) {
            try {
                HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://" + target() + "/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200 && answer.body().contains("true")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the bare anchor did not get ready (see " + state.resolve("node.log") + ")");
    }

    @Override
    public void close() {
        if (node == null) {
            return;
        }
        node.destroy();
        try {
            if (!node.waitFor(10, TimeUnit.SECONDS)) {
                node.destroyForcibly();
            }
        } catch (InterruptedException e) {
            node.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        node = null;
    }
}
