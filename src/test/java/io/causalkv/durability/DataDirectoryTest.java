package io.causalkv.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's data directory (issue 18): its identity kept whole, and every directory it must not use refused. */
class DataDirectoryTest {

    private static final String SELF = "10.0.0.1:8090";

    @TempDir
    Path dir;

    private static ClusterMap resharded() {
        List<NodeAddress> view = List.of(NodeAddress.parse(SELF), NodeAddress.parse("10.0.0.2:8090"),
                NodeAddress.parse("10.0.0.3:8090"), NodeAddress.parse("10.0.0.4:8090"));
        return ClusterMap.initial(view, 2);
    }

    @Test
    void theIdentityComesBackAsItWasRecorded() {
        ClusterMap map = resharded();
        try (DataDirectory data = DataDirectory.open(dir, SELF, WriteAheadLog.Sync.BATCH)) {
            assertTrue(data.saved().isEmpty(), "a new directory holds nothing");
            data.save(new DataDirectory.Identity("c-1", map, 77));
        }
        try (DataDirectory data = DataDirectory.open(dir, SELF, WriteAheadLog.Sync.BATCH)) {
            DataDirectory.Identity saved = data.saved().orElseThrow();
            assertEquals("c-1", saved.clusterId());
            assertEquals(map, saved.map());
            assertEquals(map.layout().epoch(), saved.map().layout().epoch());
            assertEquals(77, saved.incarnation());
        }
        assertFalse(Files.exists(dir.resolve(DataDirectory.IDENTITY + ".tmp")), "the temporary file was renamed into place");
    }

    @Test
    void aDirectoryOfAnotherAddressIsRefused() {
        try (DataDirectory data = DataDirectory.open(dir, SELF, WriteAheadLog.Sync.BATCH)) {
            data.save(new DataDirectory.Identity("c-1", resharded(), 1));
        }
        DataDirectory.Refused refused = assertThrows(DataDirectory.Refused.class,
                () -> DataDirectory.open(dir, "10.0.0.2:8090", WriteAheadLog.Sync.BATCH));
        assertTrue(refused.getMessage().contains("belongs to the node at " + SELF), refused.getMessage());
        assertTrue(assertThrows(DataDirectory.Refused.class, () -> DataDirectory.open(dir, "", WriteAheadLog.Sync.BATCH))
                .getMessage().contains("not a standalone node"));
    }

    @Test
    void aNewerFormatOrAnotherFileIsRefusedNotMisread() throws Exception {
        Files.writeString(dir.resolve(DataDirectory.IDENTITY), "{\"format\":2,\"address\":\"" + SELF + "\"}");
        DataDirectory.Refused newer = assertThrows(DataDirectory.Refused.class,
                () -> DataDirectory.open(dir, SELF, WriteAheadLog.Sync.BATCH));
        assertTrue(newer.getMessage().contains("format 2, newer than this version reads (1)"), newer.getMessage());

        Files.writeString(dir.resolve(DataDirectory.IDENTITY), "{\"name\":\"something else\"}");
        assertTrue(assertThrows(DataDirectory.Refused.class, () -> DataDirectory.open(dir, SELF, WriteAheadLog.Sync.BATCH))
                .getMessage().contains("not a causalkv node identity"));
        Files.writeString(dir.resolve(DataDirectory.IDENTITY), "{\"format\":1,");
        assertTrue(assertThrows(DataDirectory.Refused.class, () -> DataDirectory.open(dir, SELF, WriteAheadLog.Sync.BATCH))
                .getMessage().contains("not readable JSON"));
    }

    @Test
    void oneDirectoryServesOneNodeAtATime() {
        try (DataDirectory first = DataDirectory.open(dir, SELF, WriteAheadLog.Sync.BATCH)) {
            DataDirectory.Refused refused = assertThrows(DataDirectory.Refused.class,
                    () -> DataDirectory.open(dir, SELF, WriteAheadLog.Sync.BATCH));
            assertTrue(refused.getMessage().contains("in use by another node"), refused.getMessage());
        }
        DataDirectory.open(dir, SELF, WriteAheadLog.Sync.BATCH).close(); // released with the first
    }

    @Test
    void theLogsOfReplicasNoLongerHostedGoAndAStagedReplicaStartsEmpty() throws Exception {
        ShardRef old = new ShardRef(1, 1);
        ShardRef now = new ShardRef(2, 2);
        try (DataDirectory data = DataDirectory.open(dir, SELF, WriteAheadLog.Sync.NONE)) {
            ReplicaLog oldLog = data.replica(old, false);
            oldLog.entries(List.of(), io.causalkv.causal.VectorClock.EMPTY.with("r", 1));
            ReplicaLog current = data.replica(now, false);
            assertSame(current, data.replica(now, false), "one log per replica");
            assertEquals(Set.of(old, now), Set.copyOf(data.onDisk()));
            data.keepOnly(Set.of(now));
            assertEquals(List.of(now), data.onDisk());
            try (var files = Files.list(dir)) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(DataDirectory.baseName(old) + ".")));
            }

            ReplicaLog staged = data.replica(old, true); // a layout staged again: its old file must not be replayed
            assertEquals(0, staged.size());
        }
    }

    @Test
    void aLogPastItsBoundIsCompactedInTheBackgroundAndComesBackWhole() throws Exception {
        ShardRef ref = new ShardRef(1, 1);
        io.causalkv.replication.ShardReplica replica = new io.causalkv.replication.ShardReplica(SELF + "@a.1", 1, 1);
        try (DataDirectory data = DataDirectory.open(dir, SELF, WriteAheadLog.Sync.NONE)) {
            ReplicaLog log = data.replica(ref, false);
            replica.logTo(log);
            for (int i = 0; i < 200; i++) {
                replica.put("k" + (i % 20), "\"v" + i + "\"", io.causalkv.causal.CausalContext.EMPTY, w -> { });
            }
            assertFalse(data.compactIfDue(ref, replica, Long.MAX_VALUE), "not due");
            assertTrue(data.compactIfDue(ref, replica, 1_000));
            io.causalkv.testing.Await.until(java.time.Duration.ofSeconds(10), "the snapshot is in place",
                    () -> Files.exists(dir.resolve(DataDirectory.baseName(ref) + ".2.snap")));
            replica.put("after", "1", io.causalkv.causal.CausalContext.EMPTY, w -> { });
        }
        try (DataDirectory data = DataDirectory.open(dir, SELF, WriteAheadLog.Sync.NONE)) {
            io.causalkv.replication.ShardReplica restored = new io.causalkv.replication.ShardReplica(SELF + "@b.1", 1, 1);
            data.replica(ref, false).replayInto(restored);
            assertEquals(replica.applied(), restored.applied());
            assertEquals(21, restored.liveKeyCount());
            assertEquals("\"v199\"", restored.read("k19").value());
        }
    }
}
