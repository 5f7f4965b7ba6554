package io.causalkv.durability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write-ahead log of issue 18: records come back as written, a torn tail is cut off, anything else bad stops start-up. */
class WriteAheadLogTest {

    @TempDir
    Path dir;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> texts(WriteAheadLog.Recovery recovery) {
        return recovery.records().stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    private Path logWith(String... records) throws IOException {
        Path file = dir.resolve("log");
        try (WriteAheadLog log = WriteAheadLog.open(file, WriteAheadLog.Sync.BATCH)) {
            for (String record : records) {
                log.awaitDurable(log.append(bytes(record)));
            }
        }
        return file;
    }

    @Test
    void recordsComeBackInOrderAndAppendsGoOnAfterThem() throws IOException {
        Path file = logWith("one", "two", "three");
        try (WriteAheadLog log = WriteAheadLog.open(file, WriteAheadLog.Sync.BATCH)) {
            assertEquals(List.of("one", "two", "three"), texts(log.recovery()));
            assertEquals(0, log.recovery().truncatedBytes());
            log.awaitDurable(log.append(bytes("four")));
        }
        try (WriteAheadLog log = WriteAheadLog.open(file, WriteAheadLog.Sync.NONE)) {
            assertEquals(List.of("one", "two", "three", "four"), texts(log.recovery()));
        }
    }

    @Test
    void aLastRecordCutShortIsCutOffAndSaidSo() throws IOException {
        Path file = logWith("one", "two", "three");
        long size = Files.size(file);
        for (long cut : new long[] {1, 4, 9}) { // into the payload, into the checksum, into the length
            Path copy = Files.copy(file, dir.resolve("torn" + cut));
            try (RandomAccessFile raf = new RandomAccessFile(copy.toFile(), "rw")) {
                raf.setLength(size - cut);
            }
            try (WriteAheadLog log = WriteAheadLog.open(copy, WriteAheadLog.Sync.BATCH)) {
                assertEquals(List.of("one", "two"), texts(log.recovery()), "cut " + cut);
                assertEquals(8 + "three".length() - cut, log.recovery().truncatedBytes());
                log.awaitDurable(log.append(bytes("again")));
            }
            try (WriteAheadLog log = WriteAheadLog.open(copy, WriteAheadLog.Sync.BATCH)) {
                assertEquals(List.of("one", "two", "again"), texts(log.recovery()), "appends go where the torn record was");
            }
        }
    }

    @Test
    void aBadChecksumInTheLastRecordIsATornTailAndAnywhereElseCorruption() throws IOException {
        Path file = logWith("one", "two", "three");
        long size = Files.size(file);
        Path lastBad = Files.copy(file, dir.resolve("last"));
        flip(lastBad, size - 1);
        try (WriteAheadLog log = WriteAheadLog.open(lastBad, WriteAheadLog.Sync.BATCH)) {
            assertEquals(List.of("one", "two"), texts(log.recovery()));
            assertEquals(8 + 5, log.recovery().truncatedBytes());
        }
        Path middleBad = Files.copy(file, dir.resolve("middle"));
        long second = 8 + "one".length();
        flip(middleBad, second + 8); // the first byte of "two"
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> WriteAheadLog.open(middleBad, WriteAheadLog.Sync.BATCH));
        assertEquals(second, e.offset());
        assertTrue(e.getMessage().contains(middleBad.toString()) && e.getMessage().contains("offset " + second), e.getMessage());
        assertEquals(size, Files.size(middleBad), "nothing is cut off a corrupt log");
    }

    @Test
    void aTailOfZerosIsNoRecord() throws IOException {
        Path file = logWith("one");
        long size = Files.size(file);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size + 4096); // the file grew, its bytes never written (a crash on some file systems)
        }
        try (WriteAheadLog log = WriteAheadLog.open(file, WriteAheadLog.Sync.BATCH)) {
            assertEquals(List.of("one"), texts(log.recovery()));
            assertEquals(4096, log.recovery().truncatedBytes());
        }
    }

    @Test
    void writersWaitingTogetherShareFsyncsAndEveryRecordIsThere() throws Exception {
        Path file = dir.resolve("group");
        int threads = 8;
        int each = 200;
        long fsyncs;
        try (WriteAheadLog log = WriteAheadLog.open(file, WriteAheadLog.Sync.BATCH)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int writer = t;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < each; i++) {
                            log.awaitDurable(log.append(bytes(writer + "-" + i)));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            fsyncs = log.fsyncs();
        }
        assertTrue(fsyncs < threads * each, "writers waiting together share an fsync: " + fsyncs + " for " + threads * each);
        System.out.printf("group commit: %d fsyncs for %d writes from %d threads%n", fsyncs, threads * each, threads);
        try (WriteAheadLog log = WriteAheadLog.open(file, WriteAheadLog.Sync.NONE)) {
            Set<String> seen = new HashSet<>(texts(log.recovery()));
            assertEquals(threads * each, seen.size());
            for (int t = 0; t < threads; t++) {
                int writer = t;
                List<String> own = texts(log.recovery()).stream().filter(s -> s.startsWith(writer + "-")).toList();
                assertEquals(java.util.stream.IntStream.range(0, each).mapToObj(i -> writer + "-" + i).toList(), own,
                        "each writer's records in its order");
            }
        }
    }

    @Test
    void emptyOrOversizedRecordsAreRefused() throws IOException {
        try (WriteAheadLog log = WriteAheadLog.open(dir.resolve("refuse"), WriteAheadLog.Sync.NONE)) {
            assertThrows(IllegalArgumentException.class, () -> log.append(new byte[0]));
            assertThrows(IllegalArgumentException.class, () -> log.append(new byte[WriteAheadLog.MAX_RECORD + 1]));
            assertEquals(0, log.size());
        }
    }

    private static void flip(Path file, long at) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x40);
        }
    }
}
