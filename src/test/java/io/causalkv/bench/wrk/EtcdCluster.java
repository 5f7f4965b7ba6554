package io.causalkv.bench.wrk;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The etcd anchor: three etcd members on 127.0.0.1 (client ports 29301-29303, peer ports
 * 29311-29313), data under {@code dataRoot} (wiped first), started as processes of this JVM and
 * stopped by their PIDs. etcd fsyncs its write-ahead log: unlike causalkv in memory, it pays a
 * disk sync per batch of writes.
 */
final class EtcdCluster implements AutoCloseable {

    static final int MEMBERS = 3;
    static final int CLIENT_PORT = 29301;
    static final int PEER_PORT = 29311;
    private static final Duration HEALTH_DEADLINE = Duration.ofSeconds(60);

    private final List<Process> members = new ArrayList<>();

    static boolean onPath() {
        return Which.onPath("etcd");
    }

    /** {@code etcd --version}, first line. */
    static String version() {
        return Which.firstLine("etcd", "--version");
    }

    List<String> clients() {
        List<String> clients = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            clients.add("127.0.0.1:" + (CLIENT_PORT + i));
        }
        return clients;
    }

    List<Long> pids() {
        return members.stream().map(Process::pid).toList();
    }

    void start(Path dataRoot) throws IOException, InterruptedException {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            ports.addAll(List.of(CLIENT_PORT + i, PEER_PORT + i));
        }
        Which.requireFree(ports, "etcd");
        io.causalkv.testing.Trees.delete(dataRoot);
        Files.createDirectories(dataRoot);
        StringBuilder initial = new StringBuilder();
        for (int i = 0; i < MEMBERS; i++) {
            initial.append(i == 0 ? "" : ",").append(name(i)).append("=http://127.0.0.1:").append(PEER_PORT + i);
        }
        for (int i = 0; i < MEMBERS; i++) {
            String client = "http://127.0.0.1:" + (CLIENT_PORT + i);
            String peer = "http://127.0.0.1:" + (PEER_PORT + i);
            members.add(new ProcessBuilder("etcd", "--name", name(i), "--data-dir", dataRoot.resolve(name(i)).toString(),
                    "--listen-client-urls", client, "--advertise-client-urls", client,
                    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                    "--initial-cluster", initial.toString(), "--initial-cluster-state", "new",
                    "--initial-cluster-token", "causalkv-bench")
                    .redirectErrorStream(true)
                    .redirectOutput(dataRoot.resolve(name(i) + ".log").toFile())
                    .start());
        }
        awaitHealth();
    }

    private static String name(int i) {
        return "m" + (i + 1);
    }

    /** Every member answers {@code /health} with {"health":"true"}, within the deadline. */
    private void awaitHealth() throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + HEALTH_DEADLINE.toNanos();
        for (String member : clients()) {
            while (!healthy(client, member)) {
                if (System.nanoTime() > deadline || members.stream().anyMatch(p -> !p.isAlive())) {
                    throw new IllegalStateException("etcd did not get healthy (see target/bench/etcd/*.log)");
                }
                Thread.sleep(200);
            }
        }
    }

    private static boolean healthy(HttpClient client, String member) throws InterruptedException {
        try {
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://" + member + "/health"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() == 200 && answer.body().replace(" ", "").contains("\"health\":\"true\"");
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        members.forEach(Process::destroy);
        for (Process member : members) {
            try {
                if (!member.waitFor(10, TimeUnit.SECONDS)) {
                    member.destroyForcibly();
                }
            } catch (InterruptedException e) {
                member.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        members.clear();
    }
}
