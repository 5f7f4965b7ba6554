package io.causalkv.bench;

import io.causalkv.causal.CausalContext;
import io.causalkv.durability.ReplicaLog;
import io.causalkv.durability.WriteAheadLog;
import io.causalkv.replication.ShardReplica;
import io.causalkv.store.Entry;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.StringDataType;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.Statistics;
import org.rocksdb.TickerType;
import org.rocksdb.WriteOptions;

/**
 * Three storage engines for a replica's data side by side (issue 18): the project's own log
 * ({@link WriteAheadLog}; for start-up, reads and memory a {@link ShardReplica} recorded through
 * {@link ReplicaLog} and replayed from it, as {@link ReplayBench} does), RocksDB and H2's MVStore
 * (both test-scope dependencies, for this comparison only). For each engine, one at a time:
 *
 * <ol>
 *   <li>writes per second of 100-byte values to keys {@code key<i>} for S seconds, from 1 writer
 *       and from W, under policy {@code batch} (a write counts once it is durable: the log's
 *       {@code awaitDurable} under {@code BATCH}; RocksDB {@code sync=true}; MVStore {@code commit()}
 *       then {@code sync()}, one commit at a time covering every write finished before it, so
 *       writers waiting together share one, as the log's group commit does) and {@code none} (no
 *       fsync, but each write is in the file before it counts, so it survives a kill -9: the log
 *       under {@code NONE}; RocksDB {@code sync=false} with its WAL; MVStore {@code commit()}
 *       alone); with the fsyncs made under {@code batch} (the log's count, RocksDB's
 *       {@code WAL_FILE_SYNCED}, MVStore's synced commits). The log also through a replica
 *       ({@code ShardReplica.put} then {@code awaitDurable}, a record in the replication form):
 *       what a client PUT costs, not just the append. Keys wrap at K, so memory stays bounded.</li>
 *   <li>start-up with K keys: K keys loaded (policy {@code none}; MVStore commits every 10,000)
 *       and the engine closed cleanly, then reopened until every key is readable: the log opened
 *       (each record checked) and replayed into an empty replica; RocksDB and MVStore opened, then
 *       100,000 random keys read (they read from their files, not from a copy of everything in
 *       memory; the files are in the OS page cache after the load: a warm start).</li>
 *   <li>reads: 1,000,000 random gets from one thread after the start-up ({@code ShardReplica.read},
 *       {@code db.get}, {@code map.get}).</li>
 *   <li>memory: the heap used after a full GC and the process's RSS ({@code VmRSS}), with the K
 *       keys just loaded and the engine still open, and their growth over the same figures taken
 *       before the load (run under {@code exec:java}, the process is Maven's too); the heap after
 *       the start-up as well.</li>
 * </ol>
 *
 * Then one table of every figure. Files go under {@code target/enginebench} (a disk, not tmpfs),
 * deleted at the end. Arguments W S K (defaults 16, 5, 1000000). At the log's start-up its records
 * and the replica are in the heap at once (several hundred MiB for 1M keys): run with a fixed
 * heap, as ReshardBench is, so that the figures compare from machine to machine.
 *
 * <pre>MAVEN_OPTS=-Xmx3g mvn -q exec:java -Dexec.mainClass=io.causalkv.bench.EngineBench -Dexec.classpathScope=test -Dexec.args="16 5 1000000"</pre>
 */
public final class EngineBench {

    private static final int VALUE_BYTES = 100;
    private static final int STARTUP_READS = 100_000;
    private static final int GETS = 1_000_000;
    /** MVStore commits the load every this many keys (its other writes commit each). */
    private static final int LOAD_COMMIT_EVERY = 10_000;
    private static final String REPLICA_ID = "127.0.0.1:8091@mwq5u7oa.1";
    /** The value as the replica stores it: JSON text of VALUE_BYTES bytes. */
    private static final String JSON_VALUE = "\"" + "v".repeat(VALUE_BYTES - 2) + "\"";
    private static final long SEED = 18;

    private final int writers;
    private final long seconds;
    private final int keys;
    private final int[] startupReads;
    private final int[] gets;
    private final List<String> engines = new ArrayList<>();
    /** Figure, then engine, then the value as printed; in the order first reported. */
    private final Map<String, Map<String, String>> table = new LinkedHashMap<>();

    private EngineBench(int writers, long seconds, int keys) {
        this.writers = writers;
        this.seconds = seconds;
        this.keys = keys;
        SplittableRandom random = new SplittableRandom(SEED);
        this.startupReads = random.ints(STARTUP_READS, 0, keys).toArray();
        this.gets = random.ints(GETS, 0, keys).toArray();
    }

    public static void main(String[] args) throws Exception {
        int writers = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 5;
        int keys = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
        if (writers < 1 || seconds < 1 || keys < 1) {
            throw new IllegalArgumentException("usage: WRITERS SECONDS KEYS, each at least 1");
        }
        RocksDB.loadLibrary();
        Path root = Path.of("target", "enginebench");
        io.causalkv.testing.Trees.delete(root);
        Files.createDirectories(root);
        System.out.printf(Locale.ROOT, "engines: %d-byte values, writes for %d s from 1 and %d writers; start-up, reads and memory with %,d keys;"
                        + " Java %s, max heap %.0f MiB, %d CPUs%n", VALUE_BYTES, seconds, writers, keys, System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() / 1048576.0, Runtime.getRuntime().availableProcessors());
        EngineBench bench = new EngineBench(writers, seconds, keys);
        try {
            for (Engine engine : List.of(new Wal(), new Rocks(), new MvStore())) {
                bench.run(engine, root.resolve(engine.name()));
            }
            bench.printTable();
        } finally {
            io.causalkv.testing.Trees.delete(root);
        }
    }

    private void run(Engine engine, Path dir) throws Exception {
        String name = engine.name();
        engines.add(name);
        System.out.printf(Locale.ROOT, "%n== %s%n", name);
        int[] writerCounts = writers == 1 ? new int[] {1} : new int[] {1, writers};
        for (boolean durable : new boolean[] {true, false}) {
            for (int count : writerCounts) {
                Path writesDir = Files.createDirectories(dir.resolve("writes-" + policy(durable) + "-" + count));
                Rate rate = engine.writes(writesDir, durable, count, seconds, keys);
                io.causalkv.testing.Trees.delete(writesDir);
                report(name, "", durable, count, rate);
            }
        }
        if (engine instanceof Wal wal) {
            for (boolean durable : new boolean[] {true, false}) {
                for (int count : writerCounts) {
                    Path writesDir = Files.createDirectories(dir.resolve("replica-writes-" + policy(durable) + "-" + count));
                    Rate rate = wal.replicaWrites(writesDir, durable, count, seconds, keys);
                    io.causalkv.testing.Trees.delete(writesDir);
                    report(name, " via ShardReplica", durable, count, rate);
                }
            }
        }

        Path data = Files.createDirectories(dir.resolve("data"));
        Memory before = memory();
        Loaded loaded = engine.load(data, keys);
        long bytes = treeSize(data);
        System.out.printf(Locale.ROOT, "%-8s loaded %,d keys (none) in %.2f s (%,.0f keys/s): files %.1f MiB (%.0f bytes per key)%n", name, keys,
                loaded.seconds(), keys / loaded.seconds(), bytes / 1048576.0, bytes / (double) keys);
        System.out.printf(Locale.ROOT, "%-8s with them open: heap %.0f MiB after a full GC (%+.0f MiB over before the load), RSS %.0f MiB (%+.0f MiB)%n",
                name, mib(loaded.memory().heap()), mib(loaded.memory().heap() - before.heap()), mib(loaded.memory().rss()),
                mib(loaded.memory().rss() - before.rss()));
        put("load " + String.format(Locale.ROOT, "%,d", keys) + " keys (none), s", name, String.format(Locale.ROOT, "%.2f", loaded.seconds()));
        put("files after the load, MiB", name, String.format(Locale.ROOT, "%.1f", bytes / 1048576.0));
        put("heap after the load, MiB (growth)", name, growth(loaded.memory().heap(), before.heap()));
        put("RSS after the load, MiB (growth)", name, growth(loaded.memory().rss(), before.rss()));

        Restart restart = engine.restart(data, keys, startupReads, gets);
        double ready = restart.openSeconds() + restart.readSeconds();
        System.out.printf(Locale.ROOT, "%-8s start-up: %s; %,d random reads after in %.3f s; every key readable after %.2f s%n", name,
                restart.openDetail(), STARTUP_READS, restart.readSeconds(), ready);
        System.out.printf(Locale.ROOT, "%-8s after the start-up: heap %.0f MiB (%+.0f MiB over before the load), RSS %.0f MiB (%+.0f MiB)%n", name,
                mib(restart.memory().heap()), mib(restart.memory().heap() - before.heap()), mib(restart.memory().rss()),
                mib(restart.memory().rss() - before.rss()));
        double getsPerSecond = GETS / restart.getsSeconds();
        System.out.printf(Locale.ROOT, "%-8s %,d random gets from 1 thread: %,.0f gets/s (%.2f us each)%n", name, GETS, getsPerSecond,
                restart.getsSeconds() * 1e6 / GETS);
        put("start-up: open (log: and replay), s", name, String.format(Locale.ROOT, "%.2f", restart.openSeconds()));
        put("start-up: " + String.format(Locale.ROOT, "%,d", STARTUP_READS) + " random reads after, s", name,
                String.format(Locale.ROOT, "%.3f", restart.readSeconds()));
        put("start-up: every key readable after, s", name, String.format(Locale.ROOT, "%.2f", ready));
        put("heap after the start-up, MiB (growth)", name, growth(restart.memory().heap(), before.heap()));
        put("gets/s, 1 thread, random keys", name, String.format(Locale.ROOT, "%,.0f", getsPerSecond));
        io.causalkv.testing.Trees.delete(dir);
    }

    private void report(String engine, String how, boolean durable, int count, Rate rate) {
        double perSecond = rate.writes() / (rate.nanos() / 1e9);
        String writersText = count + (count == 1 ? " writer" : " writers");
        String fsyncs = "";
        if (durable && rate.fsyncs() > 0) {
            fsyncs = String.format(Locale.ROOT, ", %,d fsyncs (%.1f writes per fsync)", rate.fsyncs(), rate.writes() / (double) rate.fsyncs());
        }
        System.out.printf(Locale.ROOT, "%-8s %s%s, %2d %-7s: %,10.0f writes/s%s%n", engine, policy(durable), how, count,
                count == 1 ? "writer" : "writers", perSecond, fsyncs);
        put("writes/s" + how + ", " + policy(durable) + ", " + writersText, engine, String.format(Locale.ROOT, "%,.0f", perSecond));
        if (durable) {
            put("writes per fsync" + how + ", batch, " + writersText, engine,
                    rate.fsyncs() > 0 ? String.format(Locale.ROOT, "%.1f", rate.writes() / (double) rate.fsyncs()) : "?");
        }
    }

    private void put(String figure, String engine, String value) {
        table.computeIfAbsent(figure, f -> new LinkedHashMap<>()).put(engine, value);
    }

    private void printTable() {
        String title = String.format(Locale.ROOT, "summary (%d writers, %d s, %,d keys)", writers, seconds, keys);
        int width = Math.max(title.length(), table.keySet().stream().mapToInt(String::length).max().orElse(10)) + 2;
        System.out.printf(Locale.ROOT, "%n%-" + width + "s", title);
        for (String engine : engines) {
            System.out.printf(Locale.ROOT, "%16s", engine);
        }
        System.out.println();
        for (Map.Entry<String, Map<String, String>> row : table.entrySet()) {
            System.out.printf(Locale.ROOT, "%-" + width + "s", row.getKey());
            for (String engine : engines) {
                System.out.printf(Locale.ROOT, "%16s", row.getValue().getOrDefault(engine, "-"));
            }
            System.out.println();
        }
    }

    /** One engine: a fresh store per write run; the load, then its start-up, in one directory. */
    private abstract static class Engine {

        abstract String name();

        /** Writes from {@code writers} threads for {@code seconds} into a new store in {@code dir}, each as durable as the policy promises before it counts. */
        abstract Rate writes(Path dir, boolean durable, int writers, long seconds, int keys) throws Exception;

        /** Loads keys {@code key0} to {@code key<keys-1>} (policy none), takes the memory figures with them open, closes cleanly. */
        abstract Loaded load(Path dir, int keys) throws Exception;

        /** Reopens what {@link #load} wrote, reads the start-up sample, takes the memory figures, then times the gets; closes. */
        abstract Restart restart(Path dir, int keys, int[] startupReads, int[] gets) throws Exception;
    }

    /** The project's log: raw appends for the writes; a replica recorded in a ReplicaLog for the rest. */
    private static final class Wal extends Engine {

        @Override
        String name() {
            return "wal";
        }

        @Override
        Rate writes(Path dir, boolean durable, int writers, long seconds, int keys) throws Exception {
            byte[] value = value();
            try (WriteAheadLog log = WriteAheadLog.open(dir.resolve("writes.log"), durable ? WriteAheadLog.Sync.BATCH : WriteAheadLog.Sync.NONE)) {
                return runWrites(writers, seconds, (writer, n) -> {
                    byte[] key = keyBytes(index(writer, n, writers, keys));
                    byte[] record = Arrays.copyOf(key, key.length + 1 + value.length);
                    record[key.length] = '=';
                    System.arraycopy(value, 0, record, key.length + 1, value.length);
                    log.awaitDurable(log.append(record));
                }, log::fsyncs);
            }
        }

        /** A client PUT's path: the replica applies the write and records it, then waits for the disk outside its lock. */
        Rate replicaWrites(Path dir, boolean durable, int writers, long seconds, int keys) throws Exception {
            ShardReplica replica = new ShardReplica(REPLICA_ID, 1, 2);
            try (ReplicaLog log = ReplicaLog.open(dir, "replica", durable ? WriteAheadLog.Sync.BATCH : WriteAheadLog.Sync.NONE)) {
                replica.logTo(log);
                return runWrites(writers, seconds, (writer, n) -> {
                    replica.put(key(index(writer, n, writers, keys)), JSON_VALUE, CausalContext.EMPTY, write -> { });
                    replica.awaitDurable();
                }, log::fsyncs);
            }
        }

        @Override
        Loaded load(Path dir, int keys) throws Exception {
            ShardReplica replica = new ShardReplica(REPLICA_ID, 1, 2);
            try (ReplicaLog log = ReplicaLog.open(dir, "replica", WriteAheadLog.Sync.NONE)) {
                replica.logTo(log);
                long start = System.nanoTime();
                for (int i = 0; i < keys; i++) {
                    // A fresh copy per key, as each request body gives (MemoryFootprint).
                    replica.put(key(i), new String(JSON_VALUE.toCharArray()), CausalContext.EMPTY, write -> { });
                }
                double loadSeconds = (System.nanoTime() - start) / 1e9;
                Memory memory = memory();
                if (replica.liveKeyCount() != keys) {
                    throw new IllegalStateException("the loaded replica holds " + replica.liveKeyCount() + " keys");
                }
                Reference.reachabilityFence(replica);
                return new Loaded(loadSeconds, memory);
            }
        }

        @Override
        Restart restart(Path dir, int keys, int[] startupReads, int[] gets) throws Exception {
            long start = System.nanoTime();
            ShardReplica restored = new ShardReplica(REPLICA_ID, 1, 2);
            try (ReplicaLog log = ReplicaLog.open(dir, "replica", WriteAheadLog.Sync.NONE)) {
                long opened = System.nanoTime();
                log.replayInto(restored);
                long replayed = System.nanoTime();
                if (restored.liveKeyCount() != keys) {
                    throw new IllegalStateException("the replayed replica holds " + restored.liveKeyCount() + " keys");
                }
                String detail = String.format(Locale.ROOT, "opened and checked in %.2f s, replayed in %.2f s", (opened - start) / 1e9,
                        (replayed - opened) / 1e9);
                Lookup lookup = key -> live(restored.read((String) key));
                double readSeconds = timeLookups(startupReads, EngineBench::key, lookup);
                Memory memory = memory();
                double getsSeconds = timeLookups(gets, EngineBench::key, lookup);
                Reference.reachabilityFence(restored);
                return new Restart((replayed - start) / 1e9, detail, readSeconds, getsSeconds, memory);
            }
        }

        private static boolean live(Entry entry) {
            return entry != null && entry.isLive();
        }
    }

    /** RocksDB with its defaults (WAL on, block cache and memtables as they come). */
    private static final class Rocks extends Engine {

        @Override
        String name() {
            return "rocksdb";
        }

        @Override
        Rate writes(Path dir, boolean durable, int writers, long seconds, int keys) throws Exception {
            byte[] value = value();
            try (Statistics statistics = new Statistics();
                    Options options = new Options().setCreateIfMissing(true).setStatistics(statistics);
                    WriteOptions write = new WriteOptions().setSync(durable).setDisableWAL(false);
                    RocksDB db = RocksDB.open(options, dir.toString())) {
                return runWrites(writers, seconds, (writer, n) -> db.put(write, keyBytes(index(writer, n, writers, keys)), value),
                        () -> statistics.getTickerCount(TickerType.WAL_FILE_SYNCED));
            }
        }

        @Override
        Loaded load(Path dir, int keys) throws Exception {
            byte[] value = value();
            try (Options options = new Options().setCreateIfMissing(true);
                    WriteOptions write = new WriteOptions().setSync(false).setDisableWAL(false);
                    RocksDB db = RocksDB.open(options, dir.toString())) {
                long start = System.nanoTime();
                for (int i = 0; i < keys; i++) {
                    db.put(write, keyBytes(i), value);
                }
                double loadSeconds = (System.nanoTime() - start) / 1e9;
                return new Loaded(loadSeconds, memory());
            }
        }

        @Override
        Restart restart(Path dir, int keys, int[] startupReads, int[] gets) throws Exception {
            long start = System.nanoTime();
            try (Options options = new Options().setCreateIfMissing(false);
                    RocksDB db = RocksDB.open(options, dir.toString())) {
                double openSeconds = (System.nanoTime() - start) / 1e9;
                Lookup lookup = key -> db.get((byte[]) key) != null;
                double readSeconds = timeLookups(startupReads, EngineBench::keyBytes, lookup);
                Memory memory = memory();
                double getsSeconds = timeLookups(gets, EngineBench::keyBytes, lookup);
                return new Restart(openSeconds, String.format(Locale.ROOT, "opened in %.2f s", openSeconds), readSeconds, getsSeconds, memory);
            }
        }
    }

    /** H2's MVStore: one file, one map of String to byte[], auto-commit off (every commit is ours). */
    private static final class MvStore extends Engine {

        @Override
        String name() {
            return "mvstore";
        }

        private static MVStore open(Path dir) {
            return new MVStore.Builder().fileName(dir.resolve("data.mv.db").toString()).autoCommitDisabled().open();
        }

        private static MVMap<String, byte[]> map(MVStore store) {
            return store.openMap("data", new MVMap.Builder<String, byte[]>().keyType(StringDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
        }

        @Override
        Rate writes(Path dir, boolean durable, int writers, long seconds, int keys) throws Exception {
            byte[] value = value();
            try (MVStore store = open(dir)) {
                MVMap<String, byte[]> map = map(store);
                GroupCommit commits = new GroupCommit(store, durable);
                return runWrites(writers, seconds, (writer, n) -> {
                    map.put(key(index(writer, n, writers, keys)), value);
                    commits.written();
                }, commits::synced);
            }
        }

        @Override
        Loaded load(Path dir, int keys) throws Exception {
            byte[] value = value();
            try (MVStore store = open(dir)) {
                MVMap<String, byte[]> map = map(store);
                long start = System.nanoTime();
                for (int i = 0; i < keys; i++) {
                    map.put(key(i), value.clone()); // the map holds the array itself until its page is written
                    if ((i + 1) % LOAD_COMMIT_EVERY == 0) {
                        store.commit();
                    }
                }
                store.commit();
                double loadSeconds = (System.nanoTime() - start) / 1e9;
                Memory memory = memory();
                if (map.sizeAsLong() != keys) {
                    throw new IllegalStateException("the loaded map holds " + map.sizeAsLong() + " keys");
                }
                return new Loaded(loadSeconds, memory);
            }
        }

        @Override
        Restart restart(Path dir, int keys, int[] startupReads, int[] gets) throws Exception {
            long start = System.nanoTime();
            try (MVStore store = open(dir)) {
                MVMap<String, byte[]> map = map(store);
                double openSeconds = (System.nanoTime() - start) / 1e9;
                if (map.sizeAsLong() != keys) {
                    throw new IllegalStateException("the reopened map holds " + map.sizeAsLong() + " keys");
                }
                Lookup lookup = key -> map.get(key) != null;
                double readSeconds = timeLookups(startupReads, EngineBench::key, lookup);
                Memory memory = memory();
                double getsSeconds = timeLookups(gets, EngineBench::key, lookup);
                return new Restart(openSeconds, String.format(Locale.ROOT, "opened in %.2f s", openSeconds), readSeconds, getsSeconds, memory);
            }
        }
    }

    /**
     * MVStore commits are per store: one at a time, each covering every put finished before it
     * starts, so writers arriving during one commit share the next (a leader commits for all).
     */
    private static final class GroupCommit {

        private final MVStore store;
        private final boolean sync;
        /** Puts finished: a put takes its number once it is in the map. */
        private final AtomicLong finished = new AtomicLong();
        /** Guarded by this: every put numbered up to here is committed (and synced, under batch). */
        private long committed;
        /** Guarded by this. */
        private long synced;

        GroupCommit(MVStore store, boolean sync) {
            this.store = store;
            this.sync = sync;
        }

        /** Returns once the caller's put, just finished, is committed (and on disk under batch). */
        void written() {
            long mine = finished.incrementAndGet();
            synchronized (this) {
                if (committed >= mine) {
                    return;
                }
                long covers = finished.get(); // every put up to here is in the map: the commit below holds it
                store.commit();
                if (sync) {
                    store.sync(); // FileChannel.force(true) on the store's file
                    synced++;
                }
                committed = covers;
            }
        }

        synchronized long synced() {
            return synced;
        }
    }

    /** Writes made, in how long, and the fsyncs they took (0 when none or unknown). */
    private record Rate(long writes, long nanos, long fsyncs) {
    }

    /** Heap used after a full GC and the process's resident set, in bytes. */
    private record Memory(long heap, long rss) {
    }

    private record Loaded(double seconds, Memory memory) {
    }

    /** {@code openSeconds}: until the engine answers reads (the log: opened and replayed). */
    private record Restart(double openSeconds, String openDetail, double readSeconds, double getsSeconds, Memory memory) {
    }

    @FunctionalInterface
    private interface Write {
        void write(int writer, long n) throws Exception;
    }

    @FunctionalInterface
    private interface Lookup {
        /** Whether the key (as the engine takes it) is there. */
        boolean found(Object key) throws Exception;
    }

    /** Runs {@code writers} threads writing until {@code seconds} are up; {@code fsyncs} read once they are done. */
    private static Rate runWrites(int writers, long seconds, Write write, LongSupplier fsyncs) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            long start = System.nanoTime();
            long end = start + seconds * 1_000_000_000L;
            List<Future<Long>> counts = new ArrayList<>();
            for (int t = 0; t < writers; t++) {
                int writer = t;
                counts.add(pool.submit(() -> {
                    long n = 0;
                    while (System.nanoTime() < end) {
                        write.write(writer, n);
                        n++;
                    }
                    return n;
                }));
            }
            long writes = 0;
            for (Future<Long> count : counts) {
                writes += count.get();
            }
            long took = System.nanoTime() - start;
            return new Rate(writes, took, fsyncs.getAsLong());
        } finally {
            pool.shutdownNow();
            // The store is closed next: no writer may still be in it (each stops within a write of the deadline).
            if (!pool.awaitTermination(seconds + 60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("writers still running " + (seconds + 60) + " s after the end");
            }
        }
    }

    /**
     * Looks up the keys numbered in {@code indexes}, made beforehand (not timed) in the engine's
     * form; returns the seconds taken. Every key must be found.
     */
    private static double timeLookups(int[] indexes, IntFunction<Object> keyOf, Lookup lookup) throws Exception {
        Object[] lookups = new Object[indexes.length];
        for (int i = 0; i < indexes.length; i++) {
            lookups[i] = keyOf.apply(indexes[i]);
        }
        int found = 0;
        long start = System.nanoTime();
        for (Object key : lookups) {
            if (lookup.found(key)) {
                found++;
            }
        }
        double took = (System.nanoTime() - start) / 1e9;
        if (found != lookups.length) {
            throw new IllegalStateException((lookups.length - found) + " of " + lookups.length + " keys not found");
        }
        return took;
    }

    /** The key of a writer's n-th write: the writers interleave over keys 0 to {@code keys - 1}, then wrap. */
    private static int index(int writer, long n, int writers, int keys) {
        return (int) ((n * writers + writer) % keys);
    }

    private static String key(int i) {
        return "key" + i;
    }

    private static byte[] keyBytes(int i) {
        return key(i).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value() {
        return JSON_VALUE.getBytes(StandardCharsets.UTF_8);
    }

    private static String policy(boolean durable) {
        return durable ? "batch" : "none";
    }

    private static Memory memory() throws IOException, InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return new Memory(runtime.totalMemory() - runtime.freeMemory(), rss());
    }

    /** VmRSS from /proc/self/status, in bytes; -1 where there is none (not Linux). */
    private static long rss() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring("VmRSS:".length()).replace("kB", "").trim()) * 1024;
            }
        }
        return -1;
    }

    private static double mib(long bytes) {
        return bytes / 1048576.0;
    }

    private static String growth(long after, long before) {
        return String.format(Locale.ROOT, "%.0f (%+.0f)", mib(after), mib(after - before));
    }

    private static long treeSize(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

}
