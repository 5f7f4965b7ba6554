package io.causalkv.durability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;

/**
 * An append-only log of records, each {@code [length u32][crc32c u32][payload]}, for issue 18
 * (a data directory). Appends are made in the caller's order (under the replica's lock, so the
 * log's order is the replica's); the wait for the disk is separate ({@link #awaitDurable}) and
 * taken outside that lock, so writers arriving while one fsync runs share the next one (group
 * commit, as etcd's WAL and Cassandra's batch commit log do).
 *
 * <p>On open the log is read back: a last record cut short (a crash during its write) or whose
 * checksum fails is cut off and reported ({@link Recovery#truncatedBytes()}); a bad record with
 * records after it is corruption, and opening fails naming the file and offset, since going on
 * would silently lose what follows it.
 */
public final class WriteAheadLog implements AutoCloseable {

    /** When appended records reach the disk (the setting {@code KVS_FSYNC}). */
    public enum Sync {
        /** {@link #awaitDurable} returns once an fsync covers the record: what is acknowledged survives a power cut. */
        BATCH,
        /** An fsync every {@link #INTERVAL_MILLIS}: a power cut loses up to that much (Redis's {@code everysec}). */
        INTERVAL,
        /** The operating system decides: survives a crash of the process (kill -9), not of the machine. */
        NONE
    }

    static final long INTERVAL_MILLIS = 1_000;
    private static final int HEADER = 8;
    /** A record larger than this is not one we wrote: a length field read from garbage. */
    static final int MAX_RECORD = 64 * 1024 * 1024;

    /** What reading a log back found: its records in order, and how many bytes of torn tail were cut off. */
    public record Recovery(List<byte[]> records, long truncatedBytes) {
    }

    private final Path file;
    private final Sync sync;
    private final FileChannel channel;
    /** Bytes appended so far (the end of the last record). */
    private final AtomicLong end = new AtomicLong();
    private final Object syncLock = new Object();
    /** Guarded by syncLock: everything before this offset has been forced to disk. */
    private long durable;
    /** Guarded by syncLock: an fsync is running (its caller leads; the others wait for it). */
    private boolean syncing;
    private final AtomicLong fsyncs = new AtomicLong();
    private final DiskCounters counters;
    private final ScheduledExecutorService ticker;
    /** A failed append could not be cut back: nothing more is appended (guarded by this). */
    private boolean broken;
    private volatile Recovery recovery;

    private WriteAheadLog(Path file, Sync sync, FileChannel channel, Recovery recovery, long end, DiskCounters counters) {
        this.file = file;
        this.counters = counters;
        this.sync = sync;
        this.channel = channel;
        this.recovery = recovery;
        this.end.set(end);
        this.durable = end;
        this.ticker = sync == Sync.INTERVAL ? Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "wal-sync-" + file.getFileName());
            thread.setDaemon(true);
            return thread;
        }) : null;
        if (ticker != null) {
            ticker.scheduleWithFixedDelay(this::syncQuietly, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Opens (or creates) the log at {@code file}, reading back what it holds: a torn last record
     * is cut off; any other bad record fails with {@link CorruptLogException}.
     */
    public static WriteAheadLog open(Path file, Sync sync) throws IOException {
        return open(file, sync, new DiskCounters());
    }

    /** As {@link #open(Path, Sync)}, counting its fsyncs in {@code counters} (shared by a node's logs). */
    public static WriteAheadLog open(Path file, Sync sync, DiskCounters counters) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            long size = channel.size();
            List<byte[]> records = new ArrayList<>();
            long valid = readAll(file, channel, size, records);
            if (valid < size) {
                channel.truncate(valid);
                channel.force(true);
            }
            channel.position(valid);
            return new WriteAheadLog(file, sync, channel, new Recovery(List.copyOf(records), size - valid), valid, counters);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Reads the records of a log that is not written to any more, changing nothing (a torn tail is left, and counted). */
    public static Recovery read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            List<byte[]> records = new ArrayList<>();
            long valid = readAll(file, channel, size, records);
            return new Recovery(List.copyOf(records), size - valid);
        }
    }

    /** What opening the log read back (its records until {@link #forgetRecords}). */
    public Recovery recovery() {
        return recovery;
    }

    /** Lets go of the records read back once they are replayed (they may be hundreds of MiB). */
    public void forgetRecords() {
        recovery = new Recovery(List.of(), recovery.truncatedBytes());
    }

    /**
     * Appends one record; returns the log's end after it, to pass to {@link #awaitDurable}. The
     * caller orders appends (they are written in the order of the calls).
     */
    public synchronized long append(byte[] payload) throws IOException {
        if (payload.length == 0 || payload.length > MAX_RECORD) {
            // Never empty: a tail of zeros (a file extended but not written before a crash) must not read as records.
            throw new IllegalArgumentException("record of " + payload.length + " bytes: 1 to " + MAX_RECORD);
        }
        CRC32C crc = new CRC32C();
        crc.update(payload);
        ByteBuffer buffer = ByteBuffer.allocate(HEADER + payload.length);
        buffer.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
        if (broken) {
            throw new IOException(file + ": not written since an earlier write failed and could not be undone");
        }
        long start = end.get();
        try {
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            // A part of the record (a full disk) would sit under the next one: a corrupt record
            // in the middle, which stops start-up. Cut back to the last whole record.
            try {
                channel.truncate(start);
                channel.position(start);
            } catch (IOException again) {
                broken = true;
            }
            throw e;
        }
        return end.addAndGet(HEADER + payload.length);
    }

    /**
     * Returns once the records up to {@code position} are on disk as the policy promises: under
     * {@link Sync#BATCH} after an fsync that covers them (one fsync serves every writer waiting
     * when it starts); otherwise at once.
     */
    public void awaitDurable(long position) throws IOException {
        if (sync != Sync.BATCH) {
            return;
        }
        synchronized (this) {
            if (broken) {
                throw new IOException(file + ": an earlier write or fsync failed; nothing is promised durable");
            }
        }
        while (true) {
            synchronized (syncLock) {
                while (syncing && durable < position) {
                    try {
                        syncLock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted waiting for the log to reach the disk", e);
                    }
                }
                if (durable >= position) {
                    return;
                }
                syncing = true;
            }
            force();
        }
    }

    public Path file() {
        return file;
    }

    /** The fsyncs made so far (group commit makes fewer than appends under load). */
    public long fsyncs() {
        return fsyncs.get();
    }

    /** The log's size in bytes. */
    public long size() {
        return end.get();
    }

    /** Leads one fsync covering everything appended before it starts; the caller has set {@code syncing}. */
    private void force() throws IOException {
        long covered = end.get(); // read first: everything appended so far is in the force below
        boolean done = false;
        try {
            long started = System.nanoTime();
            channel.force(false);
            counters.fsynced(System.nanoTime() - started);
            fsyncs.incrementAndGet();
            done = true;
        } catch (IOException e) {
            // After a failed fsync the kernel may have dropped the dirty pages: a later fsync
            // that succeeds says nothing about them. Nothing is appended or promised any more.
            synchronized (this) {
                broken = true;
            }
            throw e;
        } finally {
            synchronized (syncLock) {
                if (done) {
                    durable = Math.max(durable, covered);
                }
                syncing = false;
                syncLock.notifyAll();
            }
        }
    }

    private void syncQuietly() {
        try {
            synchronized (syncLock) {
                if (syncing || durable >= end.get()) {
                    return;
                }
                syncing = true;
            }
            force();
        } catch (IOException e) {
            System.getLogger(WriteAheadLog.class.getName()).log(System.Logger.Level.WARNING, "fsync of {0} failed: {1}", file, e.toString());
        }
    }

    @Override
    public void close() throws IOException {
        if (ticker != null) {
            ticker.shutdownNow();
        }
        try {
            if (channel.isOpen() && sync != Sync.NONE) {
                channel.force(false);
            }
        } finally {
            channel.close();
        }
    }

    /** Reads every record; returns the offset where the valid ones end. */
    private static long readAll(Path file, FileChannel channel, long size, List<byte[]> records) throws IOException {
        long offset = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        while (offset < size) {
            if (size - offset < HEADER) {
                return offset; // a header cut short: torn tail
            }
            header.clear();
            readFully(channel, header, offset);
            header.flip();
            int length = header.getInt();
            int expected = header.getInt();
            if (length == 0) {
                if (zerosFrom(channel, offset, size)) {
                    return offset; // a tail of zeros: the file grew but its bytes were never written
                }
                throw new CorruptLogException(file, offset, "empty record");
            }
            if (length < 0 || length > MAX_RECORD || offset + HEADER + length > size) {
                if (length >= 0 && length <= MAX_RECORD) {
                    return offset; // a payload cut short: torn tail
                }
                throw new CorruptLogException(file, offset, "impossible record length " + length);
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(channel, payload, offset + HEADER);
            CRC32C crc = new CRC32C();
            crc.update(payload.array());
            long next = offset + HEADER + length;
            if ((int) crc.getValue() != expected) {
                if (next == size) {
                    return offset; // the last record, written in part: torn tail
                }
                throw new CorruptLogException(file, offset, "checksum mismatch");
            }
            records.add(payload.array());
            offset = next;
        }
        return offset;
    }

    private static boolean zerosFrom(FileChannel channel, long offset, long size) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        for (long at = offset; at < size; ) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), size - at));
            readFully(channel, chunk, at);
            for (int i = 0; i < chunk.limit(); i++) {
                if (chunk.get(i) != 0) {
                    return false;
                }
            }
            at += chunk.limit();
        }
        return true;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new IOException("unexpected end of file at " + at);
            }
            at += read;
        }
    }
}
