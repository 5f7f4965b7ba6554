package io.causalkv.replication;

import io.causalkv.causal.VectorClock;
import io.causalkv.store.Entry;
import java.util.List;

/**
 * Anti-entropy and state transfer: the entries a replica holds that another replica's clock does
 * not cover, and the sender's applied clock. Applying the entries (newest wins) and then merging
 * the clock brings the receiver up to the sender's state: every write the clock covers is either
 * among the entries or superseded by one of them. A large delta comes in pages ({@link SyncCursor}):
 * every page carries the clock read before the first page's scan, and the receiver merges that
 * clock after the last.
 */
public record StateDelta(VectorClock clock, List<KeyedEntry> entries, SyncCursor next) {

    /** A whole delta: no page follows. */
    public StateDelta(VectorClock clock, List<KeyedEntry> entries) {
        this(clock, entries, null);
    }

    /** Whether more pages follow; if so, the clock may be merged only after the last one. */
    public boolean isPartial() {
        return next != null;
    }

    public record KeyedEntry(String key, Entry entry) {
    }
}
