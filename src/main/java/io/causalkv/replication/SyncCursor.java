package io.causalkv.replication;

import java.util.Comparator;

/**
 * Where a paged sync answer stopped: keys are sent in order of (hash, key), an order that needs no
 * index and survives the store's resizes, and the next page starts after this key. A key written
 * after its place was passed is not in this pull; its dot is newer than the clock the pull merges,
 * so the next round sends it.
 */
public record SyncCursor(int hash, String key) {

    /** The order pages follow. */
    public static final Comparator<String> ORDER = Comparator.comparingInt(String::hashCode).thenComparing(k -> k);

    public static SyncCursor at(String key) {
        return new SyncCursor(key.hashCode(), key);
    }

    /** True when {@code key} comes after this cursor, so belongs to a later page. */
    public boolean precedes(String key) {
        int h = key.hashCode();
        return h != hash ? h > hash : key.compareTo(this.key) > 0;
    }
}
