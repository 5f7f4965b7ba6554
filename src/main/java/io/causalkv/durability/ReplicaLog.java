package io.causalkv.durability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causalkv.causal.VectorClock;
import io.causalkv.replication.ChangeLog;
import io.causalkv.replication.ChangeLogFailedException;
import io.causalkv.replication.ShardReplica;
import io.causalkv.replication.StateDelta;
import io.causalkv.replication.SyncCursor;
import io.causalkv.replication.Write;
import io.causalkv.store.EncodedSize;
import io.causalkv.wire.Wire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A replica's changes in {@link WriteAheadLog}s (issue 18), one record each, as the replica
 * applied them: {@code W} and a write in its replication form, or {@code E} and entries taken as
 * they are, with the clock merged with them if any. Replayed in order into an empty replica, they
 * give the state the replica had.
 *
 * <p>Files {@code <base>.<g>.log} (segments) and {@code <base>.<g>.snap} (snapshots), by
 * generation {@code g}. {@link #compact} starts segment g+1 between two changes, under the
 * replica's lock, and notes the applied clock C there; then, outside the lock, writes snapshot
 * g+1: every entry as it is now (at or after that point: a fuzzy snapshot, made exact by
 * replaying segment g+1 over it, since replay only ever keeps the newer version) and C, in
 * {@code E} pages and a closing {@code Z} record. Renamed into place once on disk, it replaces
 * every file of an older generation. Recovery reads the newest snapshot (a missing {@code Z} is
 * damage, never a torn tail: it was complete when renamed) and the segments from its
 * generation on, and ignores older files (a delete that came after them could otherwise be
 * undone).
 */
public final class ReplicaLog implements ChangeLog, AutoCloseable {

    private static final byte WRITE = 'W';
    private static final byte ENTRIES = 'E';
    private static final byte SNAPSHOT_END = 'Z';
    private static final int SNAPSHOT_PAGE_ENTRIES = 1_000;
    private static final long SNAPSHOT_PAGE_BYTES = 1024 * 1024;

    private final Path dir;
    private final String base;
    private final WriteAheadLog.Sync sync;
    /** What recovery reads: the newest snapshot, if any, and the older segments (read only). */
    private volatile Optional<Path> snapshot;
    private volatile List<Path> olderSegments;
    private volatile WriteAheadLog active;
    private volatile long generation;
    private volatile long last;
    private volatile long snapshotBytes;
    private final Object compaction = new Object();
    private final DiskCounters counters;
    /** When the newest snapshot was made (ms since the epoch), or -1. */
    private volatile long snapshotMillis;

    private ReplicaLog(Path dir, String base, WriteAheadLog.Sync sync, Optional<Path> snapshot, List<Path> olderSegments,
            WriteAheadLog active, long generation, DiskCounters counters) {
        this.dir = dir;
        this.counters = counters;
        this.snapshotMillis = snapshot.map(ReplicaLog::modifiedMillis).orElse(-1L);
        this.base = base;
        this.sync = sync;
        this.snapshot = snapshot;
        this.olderSegments = olderSegments;
        this.active = active;
        this.generation = generation;
        this.last = active.size();
        this.snapshotBytes = snapshot.map(ReplicaLog::sizeOf).orElse(0L);
    }

    /**
     * Opens the log named {@code base} in {@code dir}: the newest snapshot and the segments after
     * it are read back (a torn tail of the newest segment is cut off); files an interrupted
     * compaction left behind go.
     */
    public static ReplicaLog open(Path dir, String base, WriteAheadLog.Sync sync) throws IOException {
        return open(dir, base, sync, new DiskCounters());
    }

    /** As {@link #open(Path, String, WriteAheadLog.Sync)}, counting fsyncs in {@code counters}. */
    public static ReplicaLog open(Path dir, String base, WriteAheadLog.Sync sync, DiskCounters counters) throws IOException {
        Files.createDirectories(dir);
        Pattern name = Pattern.compile(Pattern.quote(base) + "\\.(\\d+)\\.(log|snap)(\\.tmp)?");
        TreeMap<Long, Path> segments = new TreeMap<>();
        TreeMap<Long, Path> snapshots = new TreeMap<>();
        List<Path> unfinished = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Matcher m = name.matcher(file.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                long g = Long.parseLong(m.group(1));
                if (m.group(3) != null) {
                    unfinished.add(file);
                } else {
                    (m.group(2).equals("log") ? segments : snapshots).put(g, file);
                }
            }
        }
        for (Path file : unfinished) {
            Files.deleteIfExists(file); // a snapshot being written when the node stopped
        }
        long from = snapshots.isEmpty() ? 0 : snapshots.lastKey();
        for (Path old : new ArrayList<>(snapshots.headMap(from).values())) {
            Files.deleteIfExists(old);
        }
        for (Path old : new ArrayList<>(segments.headMap(from).values())) {
            Files.deleteIfExists(old); // covered by the snapshot: replaying them after it could undo a delete
        }
        List<Path> kept = new ArrayList<>(segments.tailMap(from).values());
        long generation = Math.max(from, segments.isEmpty() ? 1 : segments.lastKey());
        Path activeFile = kept.isEmpty() ? segmentFile(dir, base, generation) : kept.remove(kept.size() - 1);
        WriteAheadLog active = WriteAheadLog.open(activeFile, sync, counters);
        return new ReplicaLog(dir, base, sync, snapshots.isEmpty() ? Optional.empty() : Optional.of(snapshots.lastEntry().getValue()),
                kept, active, generation, counters);
    }

    private static Path segmentFile(Path dir, String base, long generation) {
        return dir.resolve(base + "." + generation + ".log");
    }

    private Path snapshotFile(long generation) {
        return dir.resolve(base + "." + generation + ".snap");
    }

    /** What opening the active segment found (a torn tail cut off, in bytes). */
    public WriteAheadLog.Recovery recovery() {
        return active.recovery();
    }

    /** The segment changes are appended to now. */
    public Path activeFile() {
        return active.file();
    }

    /**
     * Replays what the files held when opened into {@code replica}, which must be empty and
     * record nowhere yet: the snapshot, then the segments in order. Returns how many records.
     * Once only: the records read back are let go of after.
     */
    public int replayInto(ShardReplica replica) throws IOException {
        int replayed = 0;
        if (snapshot.isPresent()) {
            replayed += replaySnapshot(snapshot.get(), replica);
        }
        for (Path segment : olderSegments) {
            replayed += replay(WriteAheadLog.read(segment).records(), replica, segment); // forced when it was switched
        }
        replayed += replay(active.recovery().records(), replica, active.file());
        active.forgetRecords();
        return replayed;
    }

    private static int replay(List<byte[]> records, ShardReplica replica, Path file) throws IOException {
        for (byte[] record : records) {
            JsonNode body = Wire.MAPPER.readTree(record, 1, record.length - 1);
            switch (record[0]) {
                case WRITE -> replica.restore(Wire.decodeWrite(body));
                case ENTRIES -> {
                    List<StateDelta.KeyedEntry> entries = Wire.decodeEntries(body.get("e"));
                    if (body.has("c")) {
                        replica.merge(new StateDelta(Wire.decodeClock(body.get("c")), entries));
                    } else {
                        replica.importEntries(entries);
                    }
                }
                default -> throw new CorruptLogException(file, -1, "unknown record type " + record[0]);
            }
        }
        return records.size();
    }

    private static int replaySnapshot(Path file, ShardReplica replica) throws IOException {
        WriteAheadLog.Recovery snap = WriteAheadLog.read(file);
        long size = sizeOf(file);
        List<byte[]> records = snap.records();
        byte[] end = records.isEmpty() ? null : records.get(records.size() - 1);
        if (snap.truncatedBytes() > 0 || end == null || end[0] != SNAPSHOT_END) {
            throw new CorruptLogException(file, size - snap.truncatedBytes(), "the snapshot is incomplete (no end record)");
        }
        JsonNode close = Wire.MAPPER.readTree(end, 1, end.length - 1);
        VectorClock clock = Wire.decodeClock(close.get("c"));
        long count = 0;
        for (byte[] record : records.subList(0, records.size() - 1)) {
            if (record[0] != ENTRIES) {
                throw new CorruptLogException(file, -1, "unexpected record type " + record[0] + " in a snapshot");
            }
            List<StateDelta.KeyedEntry> page = Wire.decodeEntries(Wire.MAPPER.readTree(record, 1, record.length - 1).get("e"));
            count += page.size();
            // Entries as they are; the clock once every page is in (as a paged sync does).
            replica.merge(new StateDelta(clock, page, SyncCursor.at("")));
        }
        if (count != close.path("n").asLong(-1)) {
            throw new CorruptLogException(file, size, "the snapshot holds " + count + " entries, its end record says "
                    + close.path("n").asLong(-1));
        }
        replica.merge(new StateDelta(clock, List.of()));
        return records.size();
    }

    /**
     * Whether the segments have grown past {@code minBytes} and past the last snapshot's size: a
     * compaction would then at least halve what recovery reads.
     */
    public boolean wantsCompaction(long minBytes) {
        long segments = active.size() + olderSegments.stream().mapToLong(ReplicaLog::sizeOf).sum();
        return segments > Math.max(minBytes, snapshotBytes);
    }

    /**
     * Replaces every file of this log with a snapshot of {@code replica}, which records its
     * changes here, and a new segment from the point the snapshot was cut (see the class
     * comment). One at a time; writes go on meanwhile, held up only for the switch of segments.
     */
    public void compact(ShardReplica replica) throws IOException {
        synchronized (compaction) {
            long next = generation + 1;
            WriteAheadLog nextSegment = WriteAheadLog.open(segmentFile(dir, base, next), sync, counters);
            WriteAheadLog previous = active;
            VectorClock[] cut = new VectorClock[1];
            IOException[] failed = new IOException[1];
            replica.checkpoint(() -> {
                try {
                    // Writers waiting on the old segment's fsync read the new one's position next.
                    previous.awaitDurable(previous.size());
                } catch (IOException e) {
                    failed[0] = e;
                    return;
                }
                active = nextSegment;
                generation = next;
                last = nextSegment.size();
                cut[0] = replica.applied();
            });
            if (failed[0] != null) {
                replica.snapshotWritten(); // none begun
                nextSegment.close();
                Files.deleteIfExists(nextSegment.file());
                throw failed[0];
            }
            List<Path> replaced = new ArrayList<>(olderSegments);
            replaced.add(previous.file());
            snapshot.ifPresent(replaced::add);
            Path written;
            try {
                written = writeSnapshot(replica, cut[0], next);
            } catch (IOException | RuntimeException e) {
                // Recovery still reads the old snapshot and every segment since, the switched-from one included.
                List<Path> older = new ArrayList<>(olderSegments);
                older.add(previous.file());
                olderSegments = List.copyOf(older);
                previous.close();
                throw e;
            } finally {
                replica.snapshotWritten();
            }
            previous.close();
            for (Path old : replaced) {
                Files.deleteIfExists(old);
            }
            snapshot = Optional.of(written);
            olderSegments = List.of();
            snapshotBytes = sizeOf(written);
            snapshotMillis = System.currentTimeMillis();
        }
    }

    private Path writeSnapshot(ShardReplica replica, VectorClock clock, long next) throws IOException {
        Path temporary = dir.resolve(base + "." + next + ".snap.tmp");
        Files.deleteIfExists(temporary);
        long[] count = {0};
        try (WriteAheadLog out = WriteAheadLog.open(temporary, WriteAheadLog.Sync.BATCH)) {
            List<StateDelta.KeyedEntry> page = new ArrayList<>();
            long[] bytes = {0};
            IOException[] failed = new IOException[1];
            replica.forEachEntry((key, entry) -> {
                if (failed[0] != null) {
                    return;
                }
                page.add(new StateDelta.KeyedEntry(key, entry));
                bytes[0] += EncodedSize.of(key, entry);
                if (page.size() >= SNAPSHOT_PAGE_ENTRIES || bytes[0] >= SNAPSHOT_PAGE_BYTES) {
                    try {
                        out.append(record(ENTRIES, pageBody(page)));
                    } catch (IOException e) {
                        failed[0] = e;
                    }
                    count[0] += page.size();
                    page.clear();
                    bytes[0] = 0;
                }
            });
            if (failed[0] != null) {
                throw failed[0];
            }
            if (!page.isEmpty()) {
                out.append(record(ENTRIES, pageBody(page)));
                count[0] += page.size();
            }
            ObjectNode end = Wire.MAPPER.createObjectNode();
            end.set("c", Wire.clock(clock));
            end.put("n", count[0]);
            out.awaitDurable(out.append(record(SNAPSHOT_END, end)));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Path snapshotFile = snapshotFile(next);
        Files.move(temporary, snapshotFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        DataDirectory.forceDirectory(dir);
        return snapshotFile;
    }

    private static ObjectNode pageBody(List<StateDelta.KeyedEntry> page) {
        ObjectNode body = Wire.MAPPER.createObjectNode();
        ArrayNode entries = Wire.entries(page);
        body.set("e", entries);
        return body;
    }

    @Override
    public void write(Write write) {
        append(WRITE, Wire.write(write));
    }

    @Override
    public void entries(List<StateDelta.KeyedEntry> entries, VectorClock clock) {
        if (entries.isEmpty() && clock == null) {
            return;
        }
        ObjectNode body = Wire.MAPPER.createObjectNode();
        body.set("e", Wire.entries(entries));
        if (clock != null) {
            body.set("c", Wire.clock(clock));
        }
        append(ENTRIES, body);
    }

    /** The active segment's end after the last change recorded: wait for it ({@link #awaitDurable}) before acknowledging. */
    @Override
    public long position() {
        return last;
    }

    @Override
    public void awaitDurable(long position) {
        WriteAheadLog segment = active;
        try {
            segment.awaitDurable(Math.min(position, segment.size()));
        } catch (IOException e) {
            throw new ChangeLogFailedException("the replica log " + segment.file() + " could not be forced to disk", e);
        }
    }

    /** Bytes in the segments and the snapshot. */
    public long size() {
        return active.size() + snapshotBytes + olderSegments.stream().mapToLong(ReplicaLog::sizeOf).sum();
    }

    /** fsyncs of the active segment so far. */
    public long fsyncs() {
        return active.fsyncs();
    }

    private static byte[] record(byte type, JsonNode body) {
        byte[] json = Wire.compact(body).getBytes(StandardCharsets.UTF_8);
        byte[] record = new byte[json.length + 1];
        record[0] = type;
        System.arraycopy(json, 0, record, 1, json.length);
        return record;
    }

    /** Called under the replica's lock, so records follow the replica's order and never cross a segment switch. */
    private void append(byte type, JsonNode body) {
        WriteAheadLog segment = active;
        try {
            last = segment.append(record(type, body));
        } catch (IOException e) {
            // The change is not applied (it is recorded first): the caller refuses the request.
            throw new ChangeLogFailedException("the replica log " + segment.file() + " could not be written", e);
        }
    }

    /** When the newest snapshot was made (ms since the epoch), or -1 without one. */
    public long snapshotMillis() {
        return snapshotMillis;
    }

    private static long modifiedMillis(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            return -1;
        }
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (compaction) {
            active.close();
        }
    }
}
