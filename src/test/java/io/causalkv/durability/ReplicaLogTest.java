package io.causalkv.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.causalkv.causal.CausalContext;
import io.causalkv.causal.Dot;
import io.causalkv.causal.VectorClock;
import io.causalkv.replication.ShardReplica;
import io.causalkv.replication.StateDelta;
import io.causalkv.replication.Write;
import io.causalkv.store.Entry;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replica's state rebuilt from its log (issue 18): every kind of change, replayed in order, gives the same replica. */
class ReplicaLogTest {

    private static final java.util.function.Consumer<Write> KEEP = w -> { };
    private static final List<String> KEYS = List.of("a", "b", "c", "d", "m", "i", "gone");

    @TempDir
    Path dir;
    @TempDir
    Path spare;

    private static ShardReplica replica(String id) {
        return new ShardReplica(id, 1, 2, () -> 1_000L);
    }

    @Test
    void everyKindOfChangeReplayedInOrderGivesTheSameReplica() throws Exception {
        Path file = dir.resolve("replica.1.log");
        ShardReplica peer = replica("10.0.0.2:8090@p.1");
        ShardReplica other = replica("10.0.0.3:8090@o.1");
        ShardReplica mine = replica("10.0.0.1:8090@m.1");
        try (ReplicaLog log = ReplicaLog.open(dir, baseOf(file), WriteAheadLog.Sync.BATCH)) {
            mine.logTo(log);
            mine.put("a", "1", CausalContext.EMPTY, KEEP);                                    // coordinated here
            mine.put("b", "{\"x\":[1,2]}", CausalContext.of(2, Map.of(7, VectorClock.EMPTY.with("z", 3))), KEEP);
            mine.delete("a", CausalContext.EMPTY, KEEP);                                      // a tombstone
            Write early = peer.put("c", "\"p\"", CausalContext.EMPTY, KEEP).write();
            Write later = peer.put("d", "2", peer.historyOf(early), KEEP).write();
            mine.receive(List.of(later));                                                     // buffered: depends on early
            mine.receive(List.of(early));                                                     // then both apply
            other.put("m", "3", CausalContext.EMPTY, KEEP);
            other.put("gone", "4", CausalContext.EMPTY, KEEP);
            other.delete("gone", CausalContext.EMPTY, KEEP);
            mine.merge(other.changesSince(mine.applied(), true));                             // anti-entropy
            mine.importEntries(List.of(new StateDelta.KeyedEntry("i",                         // a hand-over
                    new Entry("5", new Dot("10.0.0.9:8090@old.1", 4), 1, CausalContext.EMPTY))));
            log.awaitDurable(log.position());
        }

        ShardReplica restored = replica("10.0.0.1:8090@m.1");
        try (ReplicaLog log = ReplicaLog.open(dir, baseOf(file), WriteAheadLog.Sync.BATCH)) {
            assertEquals(0, log.recovery().truncatedBytes());
            log.replayInto(restored);
        }
        assertSame(mine, restored);
        assertNull(restored.read("a").value(), "the delete came back as a tombstone");
        // It goes on where it was: its next write has the next sequence number and a later time.
        Write next = restored.put("e", "6", CausalContext.EMPTY, KEEP).write();
        assertEquals(mine.applied().get(mine.replicaId()) + 1, next.dot().seq());
    }

    @Test
    void aTornLastRecordLosesOnlyTheLastChange() throws Exception {
        Path file = dir.resolve("torn.1.log");
        ShardReplica mine = replica("10.0.0.1:8090@m.1");
        try (ReplicaLog log = ReplicaLog.open(dir, baseOf(file), WriteAheadLog.Sync.NONE)) {
            mine.logTo(log);
            mine.put("a", "1", CausalContext.EMPTY, KEEP);
            mine.put("b", "2", CausalContext.EMPTY, KEEP);
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(Files.size(file) - 3); // the crash came while "b" was being written
        }
        ShardReplica restored = replica("10.0.0.1:8090@m.1");
        try (ReplicaLog log = ReplicaLog.open(dir, baseOf(file), WriteAheadLog.Sync.NONE)) {
            log.replayInto(restored);
            assertEquals(true, log.recovery().truncatedBytes() > 0);
        }
        assertEquals("1", restored.read("a").value());
        assertNull(restored.read("b"));
        assertEquals(1, restored.applied().get(mine.replicaId()));
    }

    // ---- compaction: a snapshot replaces the segments ------------------------------------------

    private static final String ME = "10.0.0.1:8090@m.1";

    /** Writes, deletes and a collected tombstone ("x": its older value must never come back), then a compaction and more writes. */
    private ShardReplica compactedHistory(Path backupOfFirstSegment) throws Exception {
        ShardReplica mine = replica(ME);
        try (ReplicaLog log = ReplicaLog.open(dir, "replica", WriteAheadLog.Sync.BATCH)) {
            mine.logTo(log);
            mine.put("x", "\"old\"", CausalContext.EMPTY, KEEP);
            mine.delete("x", CausalContext.EMPTY, KEEP);
            assertEquals(1, mine.collectTombstones(mine.applied()), "x's tombstone is collected");
            for (String key : KEYS) {
                mine.put(key, "\"before " + key + "\"", CausalContext.EMPTY, KEEP);
            }
            mine.delete("gone", CausalContext.EMPTY, KEEP);
            log.awaitDurable(log.position());
            java.nio.file.Files.copy(dir.resolve("replica.1.log"), backupOfFirstSegment);
            log.compact(mine);
            mine.put("a", "\"after\"", CausalContext.EMPTY, KEEP); // in the new segment, over the snapshot
            mine.delete("b", CausalContext.EMPTY, KEEP);
            log.awaitDurable(log.position());
        }
        return mine;
    }

    private ShardReplica restoreFromDir() throws Exception {
        ShardReplica restored = replica(ME);
        try (ReplicaLog log = ReplicaLog.open(dir, "replica", WriteAheadLog.Sync.BATCH)) {
            log.replayInto(restored);
        }
        return restored;
    }

    private java.util.Set<String> files() throws Exception {
        try (var list = Files.list(dir)) {
            return list.map(f -> f.getFileName().toString()).collect(java.util.stream.Collectors.toSet());
        }
    }

    @Test
    void aCompactedLogIsASnapshotAndTheSegmentSinceAndGivesTheSameReplica() throws Exception {
        Path backup = spare.resolve("segment.log");
        ShardReplica mine = compactedHistory(backup);
        assertEquals(java.util.Set.of("replica.2.snap", "replica.2.log"), files(), "the first segment went");
        ShardReplica restored = restoreFromDir();
        assertSame(mine, restored);
        assertNull(restored.read("x"), "the collected delete stays collected");
        assertEquals("\"after\"", restored.read("a").value());
    }

    @Test
    void aCompactionCutShortBeforeItsSnapshotWasInPlaceLosesNothing() throws Exception {
        Path backup = spare.resolve("segment.log");
        ShardReplica mine = compactedHistory(backup);
        // As if the node died while writing the snapshot: the first segment still there, the snapshot unfinished.
        Files.move(backup, dir.resolve("replica.1.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(dir.resolve("replica.2.snap"), dir.resolve("replica.2.snap.tmp"));
        ShardReplica restored = restoreFromDir();
        // The whole history replayed: x's tombstone is back (collections are not logged; it is collected again).
        assertEquals(mine.applied(), restored.applied());
        assertEquals(mine.liveKeyCount(), restored.liveKeyCount());
        for (String key : KEYS) {
            assertEquals(mine.read(key), restored.read(key), "entry of " + key);
        }
        assertNull(restored.read("x").value(), "x is deleted");
        assertEquals(java.util.Set.of("replica.1.log", "replica.2.log"), files(), "the unfinished snapshot went");
    }

    @Test
    void aSegmentTheSnapshotReplacedIsNeverReplayedOverIt() throws Exception {
        Path backup = spare.resolve("segment.log");
        ShardReplica mine = compactedHistory(backup);
        // As if the node died after the snapshot was renamed into place, before the old segment was deleted.
        Files.move(backup, dir.resolve("replica.1.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ShardReplica restored = restoreFromDir();
        assertSame(mine, restored);
        assertNull(restored.read("x"), "replayed after the snapshot, the first segment would bring x's old value back");
        assertEquals(java.util.Set.of("replica.2.snap", "replica.2.log"), files());
    }

    @Test
    void aTruncatedSnapshotStopsRecoveryNamingIt() throws Exception {
        compactedHistory(spare.resolve("segment.log"));
        Path snap = dir.resolve("replica.2.snap");
        try (RandomAccessFile raf = new RandomAccessFile(snap.toFile(), "rw")) {
            raf.setLength(raf.length() - 7);
        }
        CorruptLogException e = org.junit.jupiter.api.Assertions.assertThrows(CorruptLogException.class, this::restoreFromDir);
        assertEquals(snap, e.file());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("incomplete"), e.getMessage());
    }

    @Test
    void noTombstoneIsCollectedWhileASnapshotIsBeingWritten() {
        ShardReplica mine = replica(ME);
        mine.put("x", "1", CausalContext.EMPTY, KEEP);
        mine.delete("x", CausalContext.EMPTY, KEEP);
        mine.checkpoint(() -> { });
        assertEquals(0, mine.collectTombstones(mine.applied()), "the snapshot may not have reached x yet");
        mine.snapshotWritten();
        assertEquals(1, mine.collectTombstones(mine.applied()));
    }

    /** A log that refuses the n-th change (a full disk). */
    private static final class RefusingLog implements io.causalkv.replication.ChangeLog {
        private int left;

        RefusingLog(int accepted) {
            this.left = accepted;
        }

        @Override
        public void write(Write write) {
            if (left-- <= 0) {
                throw new io.causalkv.replication.ChangeLogFailedException("disk full", new java.io.IOException("ENOSPC"));
            }
        }

        @Override
        public void entries(List<io.causalkv.replication.StateDelta.KeyedEntry> entries, VectorClock clock) {
        }
    }

    @Test
    void aBufferedWriteTheLogRefusesStaysBufferedAndIsNotApplied() {
        ShardReplica peer = replica("10.0.0.2:8090@p.1");
        Write early = peer.put("c", "1", CausalContext.EMPTY, KEEP).write();
        Write later = peer.put("d", "2", peer.historyOf(early), KEEP).write();
        ShardReplica mine = replica(ME);
        mine.logTo(new RefusingLog(1)); // takes "early", refuses "later"
        mine.receive(List.of(later));
        assertEquals(1, mine.buffered());
        org.junit.jupiter.api.Assertions.assertThrows(io.causalkv.replication.ChangeLogFailedException.class,
                () -> mine.receive(List.of(early)));
        assertEquals("1", mine.read("c").value(), "early was logged and applied");
        assertNull(mine.read("d"), "later was refused by the log: not applied");
        assertEquals(1, mine.buffered(), "and not lost: still buffered, to apply once the log takes it");
        mine.logTo(io.causalkv.replication.ChangeLog.NONE);
        mine.receive(List.of());
        assertEquals("2", mine.read("d").value());
    }

    /** "replica" for replica.1.log: the log's name without generation and suffix. */
    private static String baseOf(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.indexOf('.'));
    }

    private static void assertSame(ShardReplica expected, ShardReplica actual) {
        assertEquals(expected.applied(), actual.applied(), "applied clocks");
        assertEquals(expected.liveKeyCount(), actual.liveKeyCount(), "live keys");
        assertEquals(expected.tombstoneCount(), actual.tombstoneCount(), "tombstones");
        for (String key : KEYS) {
            assertEquals(expected.read(key), actual.read(key), "entry of " + key);
        }
    }
}
