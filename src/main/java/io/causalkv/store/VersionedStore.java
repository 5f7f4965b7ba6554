package io.causalkv.store;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * The node's map of keys to their latest {@link Entry}, tombstones included. Reads are lock-free;
 * writes come from one writer at a time (the replica's lock), which keeps the live count exact.
 */
public final class VersionedStore {

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicInteger live = new AtomicInteger();

    public Entry get(String key) {
        return entries.get(key);
    }

    /**
     * Stores {@code entry} if it supersedes the current version. Returns the version that was
     * there before (null if none), whether or not it was replaced.
     */
    public Entry applyIfNewer(String key, Entry entry) {
        Entry previous = entries.get(key);
        if (entry.supersedes(previous)) {
            entries.put(key, entry);
            int delta = (entry.isLive() ? 1 : 0) - (previous != null && previous.isLive() ? 1 : 0);
            if (delta != 0) {
                live.addAndGet(delta);
            }
        }
        return previous;
    }

    public int liveKeyCount() {
        return live.get();
    }

    public int size() {
        return entries.size();
    }

    public void forEach(BiConsumer<String, Entry> action) {
        entries.forEach(action);
    }
}
