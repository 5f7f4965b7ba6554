package io.causalkv.bench.wrk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** session.lua run by wrk (skipped where wrk is not installed) against a map served by the JDK's HttpServer. */
class WrkRunnerTest {

    private static final Path SCRIPT = Path.of("src/test/wrk/session.lua");

    @TempDir
    Path dir;

    @Test
    void aLoadWritesEveryKeyOnceAndEndsWhenItHas() throws Exception {
        assumeTrue(Which.onPath("wrk"), "wrk is not installed");
        MapServer server = new MapServer(3);
        Map<String, String> values = server.values;
        AtomicInteger puts = server.puts;
        try {
            String target = server.target();
            WrkRunner runner = new WrkRunner(dir.resolve("wrk.log"));
            int keys = 500;
            int bound = 25;
            long started = System.nanoTime();
            WrkRunner.Run load = runner.run(WrkRunner.Spec.session(SCRIPT.toAbsolutePath(), List.of(target), 8, bound,
                    "load", "map", keys, 10, 0.5));
            double seconds = (System.nanoTime() - started) / 1e9;

            assertEquals(keys, values.size());
            for (int i = 1; i <= keys; i++) {
                assertTrue(values.containsKey("key" + i), "key" + i);
            }
            assertEquals(keys + 3, puts.get());
            assertEquals(keys, load.result().succeeded());
            assertEquals(Map.of("503", 3L), load.result().failedStatuses());
            assertEquals(0, load.result().unwritten());
            assertTrue(seconds < bound - 5, "the load ran " + seconds + " s: wrk was not interrupted when it was done");
            assertTrue(load.generatorCpuSeconds() >= 0);

            WrkRunner.Run mixed = runner.run(WrkRunner.Spec.session(SCRIPT.toAbsolutePath(), List.of(target), 4, 1,
                    "mixed", "map", keys + 100, 10, 1.0));
            assertTrue(mixed.result().requests() > 0);
            assertEquals(mixed.result().misses(), mixed.result().statuses().getOrDefault("404", 0L));
            assertEquals(keys + 3, puts.get(), "reads only");
            WrkRunner.Run hello = runner.run(WrkRunner.Spec.session(SCRIPT.toAbsolutePath(), List.of(target), 2, 1,
                    "hello", "kvs", keys, 10, 0.5));
            assertTrue(hello.result().requests() > 0);
            assertEquals(Map.of("2xx", hello.result().requests()), hello.result().statuses());
            WrkRunner.Run plain = runner.run(WrkRunner.Spec.plain(target, 1, 2, 1, "/hello"));
            assertTrue(plain.result().requests() > 0);
            assertEquals(Map.of("2xx", plain.result().requests()), plain.result().statuses());
            assertTrue(Files.readString(dir.resolve("wrk.log")).contains("wrk-result"));
        } finally {
            server.close();
        }
    }
}
