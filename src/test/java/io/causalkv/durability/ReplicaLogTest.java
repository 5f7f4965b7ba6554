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

    private static ShardReplica replica(String id) {
        return new ShardReplica(id, 1, 2, () -> 1_000L);
    }

    @Test
    void everyKindOfChangeReplayedInOrderGivesTheSameReplica() throws Exception {
        Path file = dir.resolve("replica.log");
        ShardReplica peer = replica("10.0.0.2:8090@p.1");
        ShardReplica other = replica("10.0.0.3:8090@o.1");
        ShardReplica mine = replica("10.0.0.1:8090@m.1");
        try (ReplicaLog log = ReplicaLog.open(file, WriteAheadLog.Sync.BATCH)) {
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
        try (ReplicaLog log = ReplicaLog.open(file, WriteAheadLog.Sync.BATCH)) {
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
        Path file = dir.resolve("torn.log");
        ShardReplica mine = replica("10.0.0.1:8090@m.1");
        try (ReplicaLog log = ReplicaLog.open(file, WriteAheadLog.Sync.NONE)) {
            mine.logTo(log);
            mine.put("a", "1", CausalContext.EMPTY, KEEP);
            mine.put("b", "2", CausalContext.EMPTY, KEEP);
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(Files.size(file) - 3); // the crash came while "b" was being written
        }
        ShardReplica restored = replica("10.0.0.1:8090@m.1");
        try (ReplicaLog log = ReplicaLog.open(file, WriteAheadLog.Sync.NONE)) {
            log.replayInto(restored);
            assertEquals(true, log.recovery().truncatedBytes() > 0);
        }
        assertEquals("1", restored.read("a").value());
        assertNull(restored.read("b"));
        assertEquals(1, restored.applied().get(mine.replicaId()));
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
