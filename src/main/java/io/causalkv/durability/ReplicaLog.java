package io.causalkv.durability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causalkv.causal.VectorClock;
import io.causalkv.replication.ChangeLog;
import io.causalkv.replication.ChangeLogFailedException;
import io.causalkv.replication.ShardReplica;
import io.causalkv.replication.StateDelta;
import io.causalkv.replication.Write;
import io.causalkv.wire.Wire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * A replica's changes in a {@link WriteAheadLog} (issue 18), one record each, as the replica
 * applied them: {@code W} and a write in its replication form, or {@code E} and entries taken as
 * they are, with the clock merged with them if any. Replayed in order into an empty replica, they
 * give the state the replica had. One file per hosted replica ({@link DataDirectory}).
 */
public final class ReplicaLog implements ChangeLog, AutoCloseable {

    private static final byte WRITE = 'W';
    private static final byte ENTRIES = 'E';

    private final WriteAheadLog log;
    private volatile long last;

    private ReplicaLog(WriteAheadLog log) {
        this.log = log;
        this.last = log.size();
    }

    public static ReplicaLog open(Path file, WriteAheadLog.Sync sync) throws IOException {
        return new ReplicaLog(WriteAheadLog.open(file, sync));
    }

    /** What opening found (a torn tail cut off, in bytes). */
    public WriteAheadLog.Recovery recovery() {
        return log.recovery();
    }

    /**
     * Replays what the log held when opened into {@code replica}, which must be empty and record
     * nowhere yet; returns how many records. Once only: the records are let go of after.
     */
    public int replayInto(ShardReplica replica) throws IOException {
        int replayed = log.recovery().records().size();
        for (byte[] record : log.recovery().records()) {
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
                default -> throw new IOException("unknown record type " + record[0] + " in a replica log");
            }
        }
        log.forgetRecords();
        return replayed;
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

    /** The log's end after the last change recorded: wait for it ({@link #awaitDurable}) before acknowledging. */
    @Override
    public long position() {
        return last;
    }

    @Override
    public void awaitDurable(long position) {
        try {
            log.awaitDurable(position);
        } catch (IOException e) {
            throw new ChangeLogFailedException("the replica log " + log.file() + " could not be forced to disk", e);
        }
    }

    /** Bytes in the log file. */
    public long size() {
        return log.size();
    }

    /** fsyncs run so far. */
    public long fsyncs() {
        return log.fsyncs();
    }

    private void append(byte type, JsonNode body) {
        byte[] json = Wire.compact(body).getBytes(StandardCharsets.UTF_8);
        byte[] record = new byte[json.length + 1];
        record[0] = type;
        System.arraycopy(json, 0, record, 1, json.length);
        try {
            last = log.append(record);
        } catch (IOException e) {
            // The change is not applied (it is recorded first): the caller refuses the request.
            throw new ChangeLogFailedException("the replica log " + log.file() + " could not be written", e);
        }
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
