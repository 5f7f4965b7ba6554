package io.causalkv.bench;

import io.causalkv.durability.WriteAheadLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes per second through {@link WriteAheadLog} under each fsync policy (issue 18: the figures
 * behind the choice of a log on the JDK), T writer threads each appending R-byte records and
 * waiting for each to be durable as the policy promises, as a replica's writers would. Also the
 * fsyncs made: under {@code batch}, writers waiting together share one (group commit). The log
 * goes under {@code target/} (a disk, not tmpfs). Each policy runs for S seconds.
 *
 * <pre>mvn -q exec:java -Dexec.mainClass=io.causalkv.bench.LogBench -Dexec.classpathScope=test -Dexec.args="T R S"</pre>
 */
public final class LogBench {

    private LogBench() {
    }

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int recordBytes = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : 3;
        Path dir = Files.createDirectories(Path.of("target", "logbench"));
        for (WriteAheadLog.Sync sync : WriteAheadLog.Sync.values()) {
            Path file = dir.resolve(sync.name().toLowerCase(Locale.ROOT) + ".log");
            Files.deleteIfExists(file);
            long writes;
            long fsyncs;
            long took;
            try (WriteAheadLog log = WriteAheadLog.open(file, sync)) {
                byte[] record = new byte[recordBytes];
                long end = System.nanoTime() + seconds * 1_000_000_000L;
                long start = System.nanoTime();
                ExecutorService pool = Executors.newFixedThreadPool(threads);
                List<Future<Long>> counts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    counts.add(pool.submit(() -> {
                        long n = 0;
                        while (System.nanoTime() < end) {
                            log.awaitDurable(log.append(record));
                            n++;
                        }
                        return n;
                    }));
                }
                writes = 0;
                for (Future<Long> count : counts) {
                    writes += count.get();
                }
                took = System.nanoTime() - start;
                pool.shutdownNow();
                fsyncs = log.fsyncs();
            }
            System.out.printf(Locale.ROOT, "log %-8s %2d writers, %d-byte records: %,9.0f writes/s, %,7d fsyncs (%.1f writes per fsync)%n",
                    sync.name().toLowerCase(Locale.ROOT), threads, recordBytes, writes / (took / 1e9), fsyncs,
                    fsyncs == 0 ? 0.0 : writes / (double) fsyncs);
            Files.deleteIfExists(file);
        }
    }
}
