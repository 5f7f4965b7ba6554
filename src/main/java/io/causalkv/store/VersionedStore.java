package io.causalkv.store;

import java.util.Set;
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
    /** The keys whose entry is a tombstone: collection visits them, not the whole map. */
    private final Set<String> tombstones = ConcurrentHashMap.newKeySet();

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
            if (!entry.isLive()) {
                tombstones.add(key);
            } else if (previous != null && !previous.isLive()) {
                tombstones.remove(key);
            }
        }
        return previous;
    }

    public int liveKeyCount() {
        return live.get();
    }

    /** Drops {@code key}'s tombstone if {@code tombstone} is still its entry (collection, issue 17). */
    public boolean removeTombstone(String key, Entry tombstone) {
        if (tombstone.isLive() || !entries.remove(key, tombstone)) {
            return false;
        }
        tombstones.remove(key);
        return true;
    }

    public int tombstoneCount() {
        return tombstones.size();
    }

    /** The tombstones, each with its key (a weakly consistent view, like {@link #forEach}). */
    public void forEachTombstone(BiConsumer<String, Entry> action) {
        for (String key : tombstones) {
            Entry entry = entries.get(key);
            if (entry != null && !entry.isLive()) {
                action.accept(key, entry);
            }
        }
    }

    public int size() {
        return entries.size();
    }

    public void forEach(BiConsumer<String, Entry> action) {
        entries.forEach(action);
    }
}
