package io.causalkv.bench.wrk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SessionGenerator} against {@link MapServer}, over real sockets. */
class SessionGeneratorTest {

    @TempDir
    Path dir;

    @Test
    void aLoadWritesEveryKeyOnceRetriesRefusalsAndEndsWhenItHas() throws Exception {
        try (MapServer server = new MapServer(3)) {
            SessionGenerator generator = new SessionGenerator(dir.resolve("log"), 2);
            int keys = 500;
            int bound = 25;
            long started = System.nanoTime();
            WrkRunner.Run load = generator.run(spec(server, 8, bound, "load", "map", keys, 0.5));
            double seconds = (System.nanoTime() - started) / 1e9;

            assertEquals(keys, server.values.size());
            for (int i = 1; i <= keys; i++) {
                assertTrue(server.values.containsKey("key" + i), "key" + i);
            }
            assertEquals(keys + 3, server.puts.get());
            assertEquals(keys, load.result().succeeded());
            assertEquals(Map.of("503", 3L), load.result().failedStatuses());
            assertEquals(0, load.result().unwritten());
            assertEquals(0, load.result().socketErrors());
            assertTrue(seconds < bound - 5, "the load ran " + seconds + " s: it did not end when it was done");
            assertTrue(load.generatorCpuSeconds() >= 0);
            assertTrue(Files.readString(dir.resolve("log")).contains("load map"));
        }
    }

    @Test
    void eachConnectionIsOneSessionThatCarriesTheMetadataOfItsLastAnswer() throws Exception {
        try (MapServer server = new MapServer(0)) {
            SessionGenerator generator = new SessionGenerator(dir.resolve("log"), 2);
            int connections = 12;
            WrkRunner.Run mixed = generator.run(spec(server, connections, 1, "mixed", "kvs", 100, 0.5));

            assertTrue(mixed.result().requests() > 100, mixed.result().toString());
            assertEquals(connections, server.sessions(), "one session per connection, opened once");
            assertEquals(0, server.stale.get(), "a request carried metadata its session had not last received");
            assertEquals(mixed.result().misses(), mixed.result().statuses().getOrDefault("404", 0L));
            assertTrue(mixed.result().latency().p50() > 0);
            assertTrue(mixed.result().latency().p99() >= mixed.result().latency().p50());
            assertEquals(0, mixed.result().socketErrors(), mixed.result().errors().toString());
        }
    }

    @Test
    void aServerThatClosesEachConnectionIsCalledOnNewOnesWithoutErrors() throws Exception {
        try (MapServer server = new MapServer(0).closingEachConnection()) {
            SessionGenerator generator = new SessionGenerator(dir.resolve("log"), 2);
            WrkRunner.Run mixed = generator.run(spec(server, 4, 1, "mixed", "kvs", 100, 0.5));

            assertTrue(mixed.result().requests() > 20, mixed.result().toString());
            assertEquals(0, mixed.result().socketErrors(), mixed.result().errors().toString());
            assertEquals(4, server.sessions(), "each session kept its metadata across its connections");
            assertEquals(0, server.stale.get());
        }
    }

    @Test
    void anAnswerLaterThanTheTimeoutIsATimeoutAndTheRunStillEndsOnTime() throws Exception {
        try (MapServer server = new MapServer(0).answeringHelloAfter(2_000)) {
            SessionGenerator generator = new SessionGenerator(dir.resolve("log"), 2,
                    java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(300));
            long started = System.nanoTime();
            WrkRunner.Run run = generator.run(spec(server, 2, 1, "hello", "kvs", 10, 0.5));
            double seconds = (System.nanoTime() - started) / 1e9;

            assertTrue(run.result().errors().get("timeout") >= 2, run.result().errors().toString());
            assertEquals(0, run.result().requests());
            assertTrue(seconds < 3, "the run took " + seconds + " s");
        }
    }

    @Test
    void helloCountsEveryAnswerByStatus() throws Exception {
        try (MapServer server = new MapServer(0)) {
            SessionGenerator generator = new SessionGenerator(dir.resolve("log"), 2);
            WrkRunner.Run hello = generator.run(spec(server, 4, 1, "hello", "kvs", 10, 0.5));

            assertTrue(hello.result().requests() > 0);
            assertEquals(Map.of("200", hello.result().requests()), hello.result().statuses());
            assertEquals(0, hello.result().socketErrors());
        }
    }

    @Test
    void aServerThatIsNotThereCountsConnectErrorsUntilTheDeadline() throws Exception {
        String nobody;
        try (MapServer server = new MapServer(0)) {
            nobody = server.target();
        }
        SessionGenerator generator = new SessionGenerator(dir.resolve("log"), 2);
        WrkRunner.Run run = generator.run(WrkRunner.Spec.session(null, List.of(nobody), 2, 1, "hello", "kvs", 10, 10, 0.5));

        assertEquals(0, run.result().requests());
        assertTrue(run.result().errors().get("connect") > 0, run.result().errors().toString());
    }

    private static WrkRunner.Spec spec(MapServer server, int connections, int seconds, String mode, String dialect,
            int keys, double reads) {
        return WrkRunner.Spec.session(null, List.of(server.target()), connections, seconds, mode, dialect, keys, 10, reads);
    }
}
