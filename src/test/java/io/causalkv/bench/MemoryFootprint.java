package io.causalkv.bench;

import io.causalkv.causal.CausalContext;
import io.causalkv.replication.ShardReplica;
import io.causalkv.wire.Wire;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Locale;

/**
 * Heap per key of a replica holding N keys of V-byte values, written as client PUTs are (each a
 * coordinated write with its dot and history): heap used after a full GC, before and after. With
 * S other shards, each PUT carries metadata naming writes in S other shards (three replicas
 * each), decoded afresh per request as a real client's is: what a multi-shard client stores
 * with every key.
 *
 * <pre>mvn -q exec:java -Dexec.mainClass=io.causalkv.bench.MemoryFootprint -Dexec.classpathScope=test \
 *     -Dexec.args="1000000 100 [S]"</pre>
 */
public final class MemoryFootprint {

    private MemoryFootprint() {
    }

    public static void main(String[] args) throws Exception {
        int keys = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int valueSize = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int otherShards = args.length > 2 ? Integer.parseInt(args[2]) : 0;
        System.out.println(measure(keys, valueSize, otherShards).describe());
    }

    /**
     * What one replica of {@code keys} keys took on the heap.
     *
     * @param heapBytes heap used after a full GC with the replica, less before it
     * @param keyBytes the keys' characters, summed
     */
    public record Footprint(int keys, int valueSize, int otherShards, long heapBytes, long keyBytes) {

        public long valueBytes() {
            return (long) keys * valueSize;
        }

        /** Heap over the values alone. */
        public double timesValues() {
            return heapBytes / (double) valueBytes();
        }

        /** Heap over the keys and values. */
        public double timesPayload() {
            return heapBytes / (double) (valueBytes() + keyBytes);
        }

        public String describe() {
            return String.format(Locale.ROOT, "%d keys of %d-byte values, metadata of %d other shards: heap %.1f MiB for "
                    + "%.1f MiB of values; %.0f bytes per key; %.2f x the values (keys and values: %.2f x)", keys,
                    valueSize, otherShards, heapBytes / 1048576.0, valueBytes() / 1048576.0,
                    heapBytes / (double) keys, timesValues(), timesPayload());
        }
    }

    /** Fills one replica as client PUTs would and measures its heap (the JVM's heap must hold it). */
    public static Footprint measure(int keys, int valueSize, int otherShards) throws Exception {
        String metadata = metadata(otherShards);
        String value = "\"" + "v".repeat(valueSize - 2) + "\""; // the JSON text as stored: valueSize bytes
        long before = usedAfterGc();
        ShardReplica replica = new ShardReplica("127.0.0.1:8091@mwq5u7oa.1", 1, 2);
        for (int i = 0; i < keys; i++) {
            // A fresh copy per key, as each request body gives (new String(String) would share the bytes).
            CausalContext context = otherShards == 0 ? CausalContext.EMPTY : Wire.decodeContext(Wire.MAPPER.readTree(metadata));
            replica.put("key" + i, new String(value.toCharArray()), context, write -> { });
        }
        long after = usedAfterGc();
        if (replica.liveKeyCount() != keys) {
            throw new IllegalStateException("lost keys");
        }
        return new Footprint(keys, valueSize, otherShards, after - before, keyBytes(keys));
    }

    /** A client's metadata naming three replicas' writes in each of {@code otherShards} shards (not shard 1). */
    private static String metadata(int otherShards) {
        StringBuilder json = new StringBuilder("{\"e\":2,\"s\":{");
        for (int shard = 2; shard < 2 + otherShards; shard++) {
            json.append(shard == 2 ? "" : ",").append('"').append(shard).append("\":{");
            for (int r = 0; r < 3; r++) {
                json.append(r == 0 ? "" : ",").append("\"127.0.0.1:80").append(10 + shard * 3 + r).append("@mwq5u7oa.1\":")
                        .append(1_000 + r);
            }
            json.append('}');
        }
        return json.append("}}").toString();
    }

    private static long keyBytes(int keys) {
        long total = 0;
        for (int i = 0; i < keys; i++) {
            total += ("key" + i).length();
        }
        return total;
    }

    private static long usedAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
