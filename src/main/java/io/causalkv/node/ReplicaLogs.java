package io.causalkv.node;

import io.causalkv.durability.DataDirectory;
import io.causalkv.durability.ReplicaLog;
import io.causalkv.replication.ShardReplica;
import java.io.IOException;
import java.lang.System.Logger.Level;

/** Ties a new replica to its log in the data directory: what the log holds first, then every change. */
final class ReplicaLogs {

    private static final System.Logger LOG = System.getLogger(ReplicaLogs.class.getName());

    private ReplicaLogs() {
    }

    /**
     * Replays the log of {@code replica}'s shard into it (unless {@code fresh}: it must start
     * empty, and an old log of it is dropped) and records every change from then on. A corrupt
     * log stops the node ({@link DataDirectory.Refused}, naming file and offset). Returns how
     * many records were replayed.
     */
    static int restore(DataDirectory data, ShardReplica replica, boolean fresh) {
        try {
            ReplicaLog log = data.replica(replica.ref(), fresh);
            long started = System.nanoTime();
            int records = log.replayInto(replica);
            if (records > 0) {
                LOG.log(Level.INFO, "{0}: restored {1} ({2} records, {3} bytes, {4} live keys) in {5} ms", data.root(),
                        replica.ref(), records, log.size(), replica.liveKeyCount(), (System.nanoTime() - started) / 1_000_000);
            }
            replica.logTo(log);
            return records;
        } catch (IOException e) {
            throw new DataDirectory.Refused(e.getMessage());
        }
    }
}
