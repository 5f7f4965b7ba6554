package io.causalkv.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.causalkv.testing.EmbeddedNode;
import io.causalkv.testing.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A data directory on a disk that fills up (issue 18): a real one, a 256 KiB tmpfs (needs root,
 * as CI runs). Writes are refused with 503 and a JSON error once the disk is full; what was
 * acknowledged before stays readable and comes back after a restart: the log is not corrupted
 * by the half-written record.
 */
class DiskFullTest {

    private final Path mountPoint = Path.of("target/disk-full-" + System.nanoTime()).toAbsolutePath();
    private boolean mounted;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        Files.createDirectories(mountPoint);
        mounted = run("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mountPoint.toString());
        assumeTrue(mounted, "mounting a tmpfs needs root");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            run("umount", mountPoint.toString());
        }
        Files.deleteIfExists(mountPoint);
    }

    private static boolean run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return false;
        }
        return process.exitValue() == 0;
    }

    @Test
    void aFullDiskRefusesWritesWithAJsonErrorAndKeepsWhatWasAcknowledged() throws Exception {
        Map<String, String> settings = Map.of("DATA_DIR", mountPoint.resolve("node").toString());
        String value = "x".repeat(4_000);
        List<String> acknowledged = new ArrayList<>();
        Http.Reply refused = null;
        try (EmbeddedNode node = EmbeddedNode.start(settings)) {
            for (int i = 0; i < 200 && refused == null; i++) {
                Http.Reply reply = Http.send("PUT", node.url("/kvs/k" + i), "{\"value\":\"" + value + "\",\"causal-metadata\":null}");
                if (reply.status() == 201) {
                    acknowledged.add("k" + i);
                } else {
                    refused = reply;
                }
            }
            assertTrue(refused != null, "256 KiB took " + acknowledged.size() + " writes of 4 KB and never refused one");
            assertEquals(503, refused.status(), refused.body());
            assertEquals("Storage unavailable", refused.json().get("error").asText(), refused.body());
            assertTrue(acknowledged.size() > 20, "acknowledged before the disk filled: " + acknowledged.size());
            String last = acknowledged.get(acknowledged.size() - 1);
            assertEquals(200, Http.send("GET", node.url("/kvs/" + last), "{\"causal-metadata\":null}").status());
            Http.Reply stillFull = Http.send("PUT", node.url("/kvs/" + last), "{\"value\":\"" + value + "\",\"causal-metadata\":null}");
            assertEquals(503, stillFull.status(), "an overwrite needs room too: " + stillFull.body());
        }
        try (EmbeddedNode node = EmbeddedNode.start(settings)) {
            for (String key : acknowledged) {
                Http.Reply reply = Http.send("GET", node.url("/kvs/" + key), "{\"causal-metadata\":null}");
                assertEquals(200, reply.status(), key + " after the restart: " + reply.body());
                assertEquals(value, reply.json().get("value").asText());
            }
            assertEquals(404, Http.send("GET", node.url("/kvs/k" + acknowledged.size()), "{\"causal-metadata\":null}").status(),
                    "the refused write was not applied");
        }
    }
}
