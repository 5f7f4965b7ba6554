package io.causalkv.bench;

import io.causalkv.causal.CausalContext;
import io.causalkv.durability.ReplicaLog;
import io.causalkv.durability.WriteAheadLog;
import io.causalkv.replication.ShardReplica;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How long a replica takes to come back from its log alone (issue 18: "start-up time with 1M
 * keys"): N client PUTs of V-byte values recorded through {@link ReplicaLog} (policy {@code
 * none}: the disk's speed is LogBench's business), then the log opened (every record's checksum
 * checked) and replayed into an empty replica, timed apart; then the same after the log is
 * compacted into a snapshot. The size per key of each too.
 *
 * <pre>mvn -q exec:java -Dexec.mainClass=io.causalkv.bench.ReplayBench -Dexec.classpathScope=test -Dexec.args="1000000 100"</pre>
 */
public final class ReplayBench {

    private ReplayBench() {
    }

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int valueSize = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Path dir = Files.createDirectories(Path.of("target", "replaybench"));
        clear(dir);
        String value = "\"" + "v".repeat(valueSize - 2) + "\"";
        String id = "127.0.0.1:8091@mwq5u7oa.1";
        long writeStart = System.nanoTime();
        ShardReplica original = new ShardReplica(id, 1, 2);
        try (ReplicaLog log = ReplicaLog.open(dir, "replica", WriteAheadLog.Sync.NONE)) {
            original.logTo(log);
            for (int i = 0; i < keys; i++) {
                original.put("key" + i, value, CausalContext.EMPTY, write -> { });
            }
        }
        double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
        System.out.printf(Locale.ROOT, "replay: %,d keys of %d-byte values, written (with the puts) in %.2f s%n", keys, valueSize,
                writeSeconds);
        ShardReplica fromLog = restore(dir, id, original, keys, "from the log");

        long compactStart = System.nanoTime();
        try (ReplicaLog log = ReplicaLog.open(dir, "replica", WriteAheadLog.Sync.NONE)) {
            fromLog.logTo(log);
            log.compact(fromLog);
        }
        System.out.printf(Locale.ROOT, "  compacted into a snapshot in %.2f s%n", (System.nanoTime() - compactStart) / 1e9);
        restore(dir, id, original, keys, "from the snapshot");
        clear(dir);
    }

    private static ShardReplica restore(Path dir, String id, ShardReplica original, int keys, String what) throws Exception {
        long bytes = size(dir);
        long openStart = System.nanoTime();
        ShardReplica restored = new ShardReplica(id, 1, 2);
        try (ReplicaLog log = ReplicaLog.open(dir, "replica", WriteAheadLog.Sync.NONE)) {
            double openSeconds = (System.nanoTime() - openStart) / 1e9;
            long replayStart = System.nanoTime();
            log.replayInto(restored);
            double replaySeconds = (System.nanoTime() - replayStart) / 1e9;
            if (!restored.applied().equals(original.applied()) || restored.liveKeyCount() != keys) {
                throw new IllegalStateException("the replayed replica differs: " + restored.liveKeyCount() + " keys");
            }
            System.out.printf(Locale.ROOT, "  %s: %.1f MiB (%.0f bytes per key); opened and checked in %.2f s; replayed in %.2f s "
                            + "(%,.0f keys/s)%n", what, bytes / 1048576.0, bytes / (double) keys, openSeconds, replaySeconds,
                    keys / replaySeconds);
        }
        return restored;
    }

    private static long size(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            return files.mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static void clear(Path dir) throws java.io.IOException {
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
        }
    }
}
