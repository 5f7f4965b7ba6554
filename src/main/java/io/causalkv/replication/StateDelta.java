package io.causalkv.replication;

import io.causalkv.causal.VectorClock;
import io.causalkv.store.Entry;
import java.util.List;

/**
 * Anti-entropy and state transfer: the entries a replica holds that another replica's clock does
 * not cover, and the sender's applied clock. Applying the entries (newest wins) and then merging
 * the clock brings the receiver up to the sender's state: every write the clock covers is either
 * among the entries or superseded by one of them.
 */
public record StateDelta(VectorClock clock, List<KeyedEntry> entries) {

    public record KeyedEntry(String key, Entry entry) {
    }
}
