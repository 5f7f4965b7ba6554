package io.causalkv.durability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.ShardRef;
import io.causalkv.replication.ShardReplica;
import io.causalkv.wire.Wire;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A node's data directory ({@code DATA_DIR}, issue 18): {@code node.json}, the node's identity
 * (its address, its cluster's id and the cluster map with the layout epoch), rewritten whole and
 * renamed into place on every change; one {@link ReplicaLog} per hosted replica, its files
 * named {@code replica-s<shard>-e<epoch>.<generation>.log} and {@code .snap}; and {@code LOCK},
 * held while a node uses it, so two processes never write one directory. A directory of another
 * address, or of a newer format, refuses to open ({@link Refused}).
 */
public final class DataDirectory implements AutoCloseable {

    /** The format this code writes; a directory of a newer one is refused, not misread. */
    public static final int FORMAT = 1;
    static final String IDENTITY = "node.json";
    private static final Pattern REPLICA_FILE = Pattern.compile("replica-s(\\d+)-e(\\d+)\\.\\d+\\.(log|snap)(\\.tmp)?");
    /** A replica's log is compacted (a snapshot replaces its files) once they pass this and the last snapshot's size. */
    public static final long COMPACT_MIN_BYTES = 64L * 1024 * 1024;
    private static final System.Logger LOG = System.getLogger(DataDirectory.class.getName());

    /**
     * What the directory says about the node: its cluster's id (empty if not settled), the
     * cluster map (null outside a cluster) and its last incarnation (a start time in ms: the next
     * one must be later, whatever the wall clock says).
     */
    public record Identity(String clusterId, ClusterMap map, long incarnation) {
    }

    /** The directory cannot serve this node: start-up stops with this message. */
    public static final class Refused extends RuntimeException {
        public Refused(String message) {
            super(message, null, false, false);
        }
    }

    private final Path root;
    private final String address;
    private final WriteAheadLog.Sync sync;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Optional<Identity> saved;
    private final Map<ShardRef, ReplicaLog> open = new HashMap<>();
    private Identity written;
    private ExecutorService compactor;
    private final DiskCounters counters = new DiskCounters();
    private boolean compacting;

    private DataDirectory(Path root, String address, WriteAheadLog.Sync sync, FileChannel lockChannel, FileLock lock,
            Optional<Identity> saved) {
        this.root = root;
        this.address = address;
        this.sync = sync;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.saved = saved;
        this.written = saved.orElse(null);
    }

    /**
     * Opens {@code root} (created if missing) for the node at {@code address} ("" for a node
     * outside a cluster).
     */
    public static DataDirectory open(Path root, String address, WriteAheadLog.Sync sync) {
        FileChannel channel = null;
        try {
            Files.createDirectories(root);
            channel = FileChannel.open(root.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this JVM already (another node of it)
            }
            if (lock == null) {
                throw new Refused("data directory " + root + " is in use by another node");
            }
            Optional<Identity> saved = readIdentity(root, address);
            return new DataDirectory(root, address, sync, channel, lock, saved);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new Refused("data directory " + root + " cannot be used: " + e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static Optional<Identity> readIdentity(Path root, String address) throws IOException {
        Path file = root.resolve(IDENTITY);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode json;
        try {
            json = Wire.MAPPER.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new Refused(file + " is not readable JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        int format = json.path("format").asInt(-1);
        if (format > FORMAT) {
            throw new Refused(file + " has format " + format + ", newer than this version reads (" + FORMAT + ")");
        }
        if (format < 1 || !json.path("address").isTextual()) {
            throw new Refused(file + " is not a causalkv node identity");
        }
        String theirs = json.get("address").asText();
        if (!theirs.equals(address)) {
            throw new Refused("data directory " + root + " belongs to the node at "
                    + (theirs.isEmpty() ? "no address (a standalone node)" : theirs) + ", not "
                    + (address.isEmpty() ? "a standalone node" : address));
        }
        try {
            ClusterMap map = json.hasNonNull("map") ? Wire.decodeMap(json.get("map")) : null;
            return Optional.of(new Identity(json.path("cluster").asText(""), map, json.path("incarnation").asLong()));
        } catch (RuntimeException e) {
            throw new Refused(file + " holds a bad cluster map: " + e.getMessage());
        }
    }

    public Path root() {
        return root;
    }

    public WriteAheadLog.Sync sync() {
        return sync;
    }

    /** What the directory held when opened; empty for a new directory. */
    public Optional<Identity> saved() {
        return saved;
    }

    /**
     * Records the node's identity, durably (write a temporary file, fsync, rename over the old
     * one, fsync the directory), unless it is what was last recorded.
     */
    public synchronized void save(Identity identity) {
        if (identity.equals(written)) {
            return;
        }
        ObjectNode json = Wire.MAPPER.createObjectNode();
        json.put("format", FORMAT);
        json.put("address", address);
        json.put("cluster", identity.clusterId());
        json.put("incarnation", identity.incarnation());
        if (identity.map() != null) {
            json.set("map", Wire.map(identity.map()));
        }
        Path temporary = root.resolve(IDENTITY + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(java.nio.ByteBuffer.wrap(Wire.compact(json).getBytes(StandardCharsets.UTF_8)));
                out.force(true);
            }
            Files.move(temporary, root.resolve(IDENTITY), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory();
            written = identity;
        } catch (IOException e) {
            // The old identity stays whole; the next change tries again.
            LOG.log(Level.ERROR, "could not record the node''s identity in {0}: {1}", root, e.toString());
        }
    }

    /**
     * The log of the replica {@code ref}, opened (and read back) on first use. {@code fresh}: a
     * replica that must start empty (a layout being staged), so any old file of it goes first.
     */
    public synchronized ReplicaLog replica(ShardRef ref, boolean fresh) throws IOException {
        ReplicaLog log = open.get(ref);
        if (log != null && !fresh) {
            return log;
        }
        if (log != null) {
            open.remove(ref);
            log.close();
        }
        if (fresh) {
            deleteFiles(ref);
        }
        log = ReplicaLog.open(root, baseName(ref), sync, counters);
        if (log.recovery().truncatedBytes() > 0) {
            LOG.log(Level.WARNING, "{0}: cut a torn last record of {1} bytes (a write that was never acknowledged)",
                    log.activeFile(), log.recovery().truncatedBytes());
        }
        open.put(ref, log);
        return log;
    }

    /**
     * Compacts the log of {@code ref} in the background if it is due ({@link ReplicaLog#wantsCompaction}),
     * one compaction at a time; false if none started.
     */
    public synchronized boolean compactIfDue(ShardRef ref, ShardReplica replica, long minBytes) {
        ReplicaLog log = open.get(ref);
        if (log == null || compacting || !log.wantsCompaction(minBytes)) {
            return false;
        }
        compacting = true;
        compactor().execute(() -> {
            long started = System.nanoTime();
            try {
                log.compact(replica);
                LOG.log(Level.INFO, "{0}: compacted the log of {1} into a snapshot of {2} bytes in {3} ms", root, ref,
                        log.size(), (System.nanoTime() - started) / 1_000_000);
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "{0}: compacting the log of {1} failed (it stays as it was): {2}", root, ref, e.toString());
            } finally {
                synchronized (this) {
                    compacting = false;
                }
            }
        });
        return true;
    }

    private ExecutorService compactor() {
        if (compactor == null) {
            compactor = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, "compactor-" + root.getFileName());
                thread.setDaemon(true);
                return thread;
            });
        }
        return compactor;
    }

    private void deleteFiles(ShardRef ref) throws IOException {
        String prefix = baseName(ref) + ".";
        try (Stream<Path> files = Files.list(root)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (file.getFileName().toString().startsWith(prefix)) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** Closes and deletes the logs of replicas other than {@code inUse} (retired, abandoned). */
    public synchronized void keepOnly(Set<ShardRef> inUse) {
        for (ShardRef ref : onDisk()) {
            if (!inUse.contains(ref)) {
                ReplicaLog log = open.remove(ref);
                try {
                    if (log != null) {
                        log.close();
                    }
                    deleteFiles(ref);
                    LOG.log(Level.INFO, "{0}: dropped the log of {1} (no longer hosted)", root, ref);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "{0}: could not drop the log of {1}: {2}", root, ref, e.toString());
                }
            }
        }
    }

    /** The replicas that have a log in the directory. */
    public synchronized List<ShardRef> onDisk() {
        Set<ShardRef> refs = new java.util.LinkedHashSet<>();
        try (Stream<Path> files = Files.list(root)) {
            files.forEach(file -> {
                Matcher m = REPLICA_FILE.matcher(file.getFileName().toString());
                if (m.matches()) {
                    refs.add(new ShardRef(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2))));
                }
            });
        } catch (IOException e) {
            LOG.log(Level.WARNING, "{0}: could not list: {1}", root, e.toString());
        }
        return new ArrayList<>(refs);
    }

    /** Bytes in the replica logs open now (segments and snapshots). */
    public synchronized long logBytes() {
        return open.values().stream().mapToLong(ReplicaLog::size).sum();
    }

    /** The fsyncs of every log of this directory, and their time. */
    public DiskCounters counters() {
        return counters;
    }

    /** Seconds since the newest snapshot of {@code ref}'s log was made; NaN without one. */
    public synchronized double snapshotAgeSeconds(ShardRef ref) {
        ReplicaLog log = ref == null ? null : open.get(ref);
        long made = log == null ? -1 : log.snapshotMillis();
        return made < 0 ? Double.NaN : (System.currentTimeMillis() - made) / 1e3;
    }

    static String baseName(ShardRef ref) {
        return "replica-s" + ref.shard() + "-e" + ref.epoch();
    }

    private void forceDirectory() {
        forceDirectory(root);
    }

    /** Makes a rename in {@code directory} durable. */
    static void forceDirectory(Path directory) {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory; the rename is still atomic there.
        }
    }

    @Override
    public synchronized void close() {
        if (compactor != null) {
            compactor.shutdownNow();
        }
        for (ReplicaLog log : open.values()) {
            try {
                log.close();
            } catch (IOException e) {
                LOG.log(Level.WARNING, "{0}: closing a replica log: {1}", root, e.toString());
            }
        }
        open.clear();
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel releases it too
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }
}
