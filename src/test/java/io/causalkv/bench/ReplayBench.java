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
 * checked) and replayed into an empty replica, timed apart. The log's size per key too. Without
 * snapshots a node replays its whole history; this says when that stops being acceptable.
 *
 * <pre>mvn -q exec:java -Dexec.mainClass=io.causalkv.bench.ReplayBench -Dexec.classpathScope=test -Dexec.args="1000000 100"</pre>
 */
public final class ReplayBench {

    private ReplayBench() {
    }

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int valueSize = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        Path file = Files.createDirectories(Path.of("target", "replaybench")).resolve("replica.log");
        Files.deleteIfExists(file);
        String value = "\"" + "v".repeat(valueSize - 2) + "\"";
        String id = "127.0.0.1:8091@mwq5u7oa.1";
        long writeStart = System.nanoTime();
        ShardReplica original = new ShardReplica(id, 1, 2);
        try (ReplicaLog log = ReplicaLog.open(file, WriteAheadLog.Sync.NONE)) {
            original.logTo(log);
            for (int i = 0; i < keys; i++) {
                original.put("key" + i, value, CausalContext.EMPTY, write -> { });
            }
        }
        double writeSeconds = (System.nanoTime() - writeStart) / 1e9;
        long bytes = Files.size(file);

        long openStart = System.nanoTime();
        ShardReplica restored = new ShardReplica(id, 1, 2);
        double openSeconds;
        try (ReplicaLog log = ReplicaLog.open(file, WriteAheadLog.Sync.NONE)) {
            openSeconds = (System.nanoTime() - openStart) / 1e9;
            long replayStart = System.nanoTime();
            log.replayInto(restored);
            double replaySeconds = (System.nanoTime() - replayStart) / 1e9;
            if (!restored.applied().equals(original.applied()) || restored.liveKeyCount() != keys) {
                throw new IllegalStateException("the replayed replica differs: " + restored.liveKeyCount() + " keys");
            }
            System.out.printf(Locale.ROOT, "replay: %,d keys of %d-byte values, log %.1f MiB (%.0f bytes per key); "
                            + "written (with the puts) in %.2f s; opened and checked in %.2f s; replayed in %.2f s (%,.0f keys/s)%n",
                    keys, valueSize, bytes / 1048576.0, bytes / (double) keys, writeSeconds, openSeconds, replaySeconds,
                    keys / replaySeconds);
        }
        Files.deleteIfExists(file);
    }
}
