package io.causalkv.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.testing.Cluster;
import io.causalkv.testing.Http;
import io.causalkv.transport.FaultyHttpTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Backup and restore (issue 18): {@code bin/cluster backup} of a running cluster of two shards
 * while a client goes on writing, then {@code bin/cluster restore} into a new cluster of another
 * size and layout: every key acknowledged before the backup began is there with its value, no
 * deleted key comes back, and keys that need encoding in a path survive.
 */
class BackupRestoreTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();

    @Test
    void aBackupOfARunningClusterRestoresIntoANewClusterOfAnotherLayout() throws Exception {
        Path file = Files.createTempDirectory("causalkv-backup").resolve("backup.tsv");
        Map<String, String> written = new LinkedHashMap<>();
        try (Cluster source = Cluster.start(4, FaultyHttpTransport::new, Map.of("SHARD_COUNT", "2"))) {
            ShardedClient client = new ShardedClient(source);
            for (int i = 0; i < 60; i++) {
                String key = i % 10 == 0 ? "spaced key é" + i : "b" + i;
                assertEquals(201, client.put(i % 4, encode(key), "{\"n\":" + i + "}").status());
                written.put(key, "{\"n\":" + i + "}");
            }
            for (int i = 1; i < 50; i += 7) { // b1, b8, ..., b43 (b50 is not a key: every tenth is spaced)
                assertEquals(200, Http.send("DELETE", source.url(0, "/kvs/b" + i), "{\"causal-metadata\":" + client.metadata() + "}").status());
                written.remove("b" + i);
            }
            // A client goes on writing while the backup is taken: a live cluster.
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread late = new Thread(() -> {
                for (int i = 0; writing.get() && i < 10_000; i++) {
                    Http.send("PUT", source.url(i % 4, "/kvs/late" + i), "{\"value\":" + i + "}");
                }
            });
            late.start();
            try {
                String out = run("backup", file.toString(), "--port", Integer.toString(port(source, 1)));
                assertTrue(out.contains("backed up"), out);
            } finally {
                writing.set(false);
                late.join(10_000);
            }
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertTrue(lines.get(0).startsWith("# causalkv backup 1: cluster "), lines.get(0));
        assertTrue(lines.get(lines.size() - 1).startsWith("# end: "), "the file ends with its count");

        try (Cluster target = Cluster.start(3, FaultyHttpTransport::new, Map.of())) {
            String out = run("restore", file.toString(), "--port", Integer.toString(port(target, 2)));
            assertTrue(out.contains("restored " + (lines.size() - 2) + " keys"), out);
            for (Map.Entry<String, String> key : written.entrySet()) {
                Http.Reply read = Http.send("GET", target.url(0, "/kvs/" + encode(key.getKey())), "{\"causal-metadata\":null}");
                assertEquals(200, read.status(), key.getKey() + ": " + read.body());
                assertEquals(Http.json(key.getValue()), read.json().get("value"), key.getKey());
            }
            for (int i = 1; i < 50; i += 7) { // b1, b8, ..., b43 (b50 is not a key: every tenth is spaced)
                assertEquals(404, Http.send("GET", target.url(1, "/kvs/b" + i), "{\"causal-metadata\":null}").status(),
                        "b" + i + " was deleted before the backup");
            }
        }
    }

    @Test
    void aFileCutShortIsNotRestored() throws Exception {
        Path file = Files.createTempDirectory("causalkv-backup").resolve("cut.tsv");
        Files.writeString(file, "# causalkv backup 1: cluster x, layout epoch 1, 1 shards, taken now\nk\t{\"value\":1}\n");
        Process process = start("restore", file.toString(), "--port", "1");
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, process.exitValue(), out);
        assertTrue(out.contains("is not a whole backup"), out);
    }

    private static int port(Cluster cluster, int node) {
        String address = cluster.address(node);
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    private static String encode(String key) {
        return java.net.URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String run(String... args) throws IOException, InterruptedException {
        Process process = start(args);
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "bin/cluster " + String.join(" ", args) + " did not finish");
        assertEquals(0, process.exitValue(), "bin/cluster " + String.join(" ", args) + ":\n" + out);
        return out;
    }

    private static Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", ROOT.resolve("bin/cluster").toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }
}
