package io.causalkv.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.causal.CausalContext;
import io.causalkv.cluster.ShardRef;
import io.causalkv.durability.DataDirectory;
import io.causalkv.durability.WriteAheadLog;
import io.causalkv.replication.ShardReplica;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replica restored from its log at start-up (issue 18): a torn tail is cut, any other damage stops the node. */
class ReplicaLogsTest {

    private static final String SELF = "10.0.0.1:8090";
    private static final ShardRef REF = new ShardRef(1, 1);

    @TempDir
    Path dir;

    private Path writeThree() {
        try (DataDirectory data = DataDirectory.open(dir, SELF, WriteAheadLog.Sync.BATCH)) {
            ShardReplica replica = new ShardReplica(SELF + "@a.1", 1, 1);
            ReplicaLogs.restore(data, replica, false);
            for (String key : new String[] {"a", "b", "c"}) {
                replica.put(key, "\"" + key + "\"", CausalContext.EMPTY, write -> { });
            }
            replica.awaitDurable();
        }
        return dir.resolve("replica-s1-e1.1.log");
    }

    private ShardReplica restored() {
        try (DataDirectory data = DataDirectory.open(dir, SELF, WriteAheadLog.Sync.BATCH)) {
            ShardReplica replica = new ShardReplica(SELF + "@b.1", 1, 1);
            ReplicaLogs.restore(data, replica, false);
            return replica;
        }
    }

    @Test
    void aRestartedReplicaHasWhatItsLogHeldUnderANewId() {
        writeThree();
        ShardReplica replica = restored();
        assertEquals(3, replica.liveKeyCount());
        assertEquals("\"b\"", replica.read("b").value());
        assertEquals(3, replica.applied().get(SELF + "@a.1"), "the old replica's writes, under its own id");
    }

    @Test
    void aTornLastRecordIsCutAndOnlyThatWriteIsLost() throws Exception {
        Path file = writeThree();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() - 5); // the process died half-way through the last append
        }
        ShardReplica replica = restored();
        assertEquals(2, replica.liveKeyCount());
        assertEquals(2, replica.applied().get(SELF + "@a.1"));
    }

    @Test
    void aDamagedRecordBeforeTheTailStopsTheNodeNamingFileAndOffset() throws Exception {
        Path file = writeThree();
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(12); // inside the first record's payload
            raf.write(raf.read() ^ 0x20);
        }
        DataDirectory.Refused refused = assertThrows(DataDirectory.Refused.class, this::restored);
        assertTrue(refused.getMessage().contains(file.toString()) && refused.getMessage().contains("offset 0"), refused.getMessage());
    }
}
