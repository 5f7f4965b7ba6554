package io.causalkv.bench;

import io.causalkv.bench.wrk.ReshardRun;
import io.causalkv.testing.Cluster;
import io.causalkv.testing.Http;
import io.causalkv.testing.Metrics;
import io.causalkv.transport.FaultyHttpTransport;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How a reshard of a loaded cluster goes: N keys written through the {@code key-value-store}
 * dialect (whose answers name the shard that stored each write) into a cluster of
 * {@code --nodes} in-process nodes (real HTTP on 127.0.0.1) in {@code --from} shards, then
 * {@code PUT /shard/reshard} to {@code --to} shards, timed, and every key written again, which
 * proves it survived ("replaced": true) and names its new shard. Reports the fraction of keys that
 * changed shard against the ideal ((to - from) / to), the reshard's time, the entries handed
 * over (from the nodes' /metrics: sent to peers, and taken by the new replicas, which gives the
 * copies per new replica) and the heap's peak while it ran.
 *
 * <pre>MAVEN_OPTS=-Xmx3g mvn -q exec:java -Dexec.mainClass=io.causalkv.bench.ReshardBench -Dexec.classpathScope=test \
 *     -Dexec.args="--keys 100000 --nodes 6 --from 2 --to 3"</pre>
 */
public final class ReshardBench {

    private static final int WORKERS = 16;

    private ReshardBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, Integer> options = new java.util.HashMap<>(Map.of("--keys", 100_000, "--nodes", 6, "--from", 2, "--to", 3,
                "--value-size", 100));
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!options.containsKey(args[i])) {
                throw new IllegalArgumentException("options: " + options.keySet());
            }
            options.put(args[i], Integer.parseInt(args[i + 1]));
        }
        int keys = options.get("--keys");
        int from = options.get("--from");
        int to = options.get("--to");
        String value = "\"" + "v".repeat(Math.max(0, options.get("--value-size") - 2)) + "\"";
        try (Cluster cluster = Cluster.start(options.get("--nodes"), FaultyHttpTransport::new,
                Map.of("SHARD_COUNT", Integer.toString(from)))) {
            int[] before = new int[keys];
            long loadStart = System.nanoTime();
            writeAll(cluster, keys, value, before, false);
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            long handedBefore = (long) Metrics.sum(cluster, "causalkv_handoff_entries_sent_total");
            long receivedBefore = (long) Metrics.sum(cluster, "causalkv_handoff_entries_received_total");
            System.gc();
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);

            ReshardRun.Outcome outcome = ReshardRun.run(java.net.http.HttpClient.newHttpClient(), cluster.address(0), keys, to);
            if (!outcome.settled()) {
                throw new IllegalStateException(outcome.describe());
            }
            double reshardSeconds = outcome.answeredSeconds();
            double settledSeconds = outcome.settledSeconds();
            long handed = (long) Metrics.sum(cluster, "causalkv_handoff_entries_sent_total") - handedBefore;
            long received = (long) Metrics.sum(cluster, "causalkv_handoff_entries_received_total") - receivedBefore;
            long heapPeak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                    .mapToLong(p -> p.getPeakUsage().getUsed()).sum();

            int[] after = new int[keys];
            writeAll(cluster, keys, value, after, true);
            int moved = 0;
            for (int k = 0; k < keys; k++) {
                moved += before[k] != after[k] ? 1 : 0;
            }
            double ideal = (to - from) / (double) to;
            double fraction = moved / (double) keys;
            System.out.printf(Locale.ROOT, "%d keys, %d nodes, %d -> %d shards (load %.1f s)%n", keys, cluster.size(), from, to,
                    loadSeconds);
            System.out.printf(Locale.ROOT, "  reshard answered 200 after %.2f s; every shard's key count settled after %.2f s%n",
                    reshardSeconds, settledSeconds);
            System.out.printf(Locale.ROOT, "  keys that changed shard: %d = %.4f of all; ideal %.4f; ratio %.3f%n", moved, fraction,
                    ideal, fraction / ideal);
            System.out.printf(Locale.ROOT, "  entries handed over: %d sent to peers = %.2f per key; none lost (every key replaced after)%n",
                    handed, handed / (double) keys);
            int replicasPerShard = cluster.size() / to;
            System.out.printf(Locale.ROOT, "  entries taken by new replicas (from peers or themselves): %d = %.2f copies per new replica"
                    + " (%d replicas per new shard)%n", received, received / (double) keys / replicasPerShard, replicasPerShard);
            System.out.printf(Locale.ROOT, "  heap peak from the reshard to settled (this JVM: %d nodes and the client): %.0f MiB%n",
                    cluster.size(), heapPeak / 1048576.0);
        }
    }

    /**
     * Writes k0..k(keys-1) from {@link #WORKERS} threads spread over the nodes, recording the
     * shard that stored each; {@code mustExist}: each must answer "replaced" (the key survived).
     */
    private static void writeAll(Cluster cluster, int keys, String value, int[] shards, boolean mustExist)
            throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<String> failure = new AtomicReference<>();
        Thread[] workers = new Thread[WORKERS];
        for (int w = 0; w < WORKERS; w++) {
            int node = w % cluster.size();
            workers[w] = new Thread(() -> {
                for (int k = next.getAndIncrement(); k < keys && failure.get() == null; k = next.getAndIncrement()) {
                    Http.Reply reply = Http.send("PUT", cluster.url(node, "/key-value-store/k" + k),
                            "{\"value\":" + value + ",\"causal-metadata\":null}");
                    int expected = mustExist ? 200 : 201;
                    if (reply.status() != expected) {
                        failure.compareAndSet(null, "k" + k + ": " + reply.status() + " " + reply.body());
                        return;
                    }
                    shards[k] = reply.json().get("shard-id").asInt();
                }
            });
            workers[w].start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a write failed: " + failure.get());
        }
    }
}
