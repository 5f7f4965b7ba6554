package io.causalkv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.causalkv.causal.CausalContext;
import io.causalkv.causal.Dot;
import org.junit.jupiter.api.Test;

class VersionedStoreTest {

    private static Entry live(String value, String replica, long seq, long lamport) {
        return new Entry(value, new Dot(replica, seq), lamport, CausalContext.EMPTY);
    }

    private static Entry tombstone(String replica, long seq, long lamport) {
        return new Entry(null, new Dot(replica, seq), lamport, CausalContext.EMPTY);
    }

    @Test
    void liveCountFollowsCreateReplaceTombstoneAndRecreate() {
        VersionedStore store = new VersionedStore();
        Entry created = live("1", "a", 1, 1);
        Entry replaced = live("2", "a", 2, 2);
        Entry deleted = tombstone("a", 3, 3);
        Entry recreated = live("3", "b", 1, 4);

        assertNull(store.applyIfNewer("k", created));
        assertEquals(1, store.liveKeyCount());

        assertSame(created, store.applyIfNewer("k", replaced));
        assertEquals(1, store.liveKeyCount(), "replacing keeps the count");

        assertSame(replaced, store.applyIfNewer("k", deleted));
        assertEquals(0, store.liveKeyCount(), "a tombstone is not live");
        assertEquals(1, store.size(), "but it is kept");
        assertSame(deleted, store.get("k"));

        assertSame(deleted, store.applyIfNewer("k", recreated));
        assertEquals(1, store.liveKeyCount());
        assertSame(recreated, store.get("k"));
    }

    @Test
    void anOlderWriteArrivingLateChangesNothing() {
        VersionedStore store = new VersionedStore();
        Entry current = live("new", "a", 2, 5);
        store.applyIfNewer("k", current);

        Entry late = live("old", "b", 1, 4);
        assertSame(current, store.applyIfNewer("k", late), "returns the version that stays");
        assertSame(current, store.get("k"));
        assertEquals(1, store.liveKeyCount());

        Entry lateTombstone = tombstone("c", 1, 3);
        store.applyIfNewer("k", lateTombstone);
        assertSame(current, store.get("k"));
        assertEquals(1, store.liveKeyCount(), "an older tombstone must not delete a newer value");
    }

    @Test
    void anOlderLiveWriteArrivingAfterATombstoneDoesNotResurrectTheKey() {
        VersionedStore store = new VersionedStore();
        Entry deleted = tombstone("a", 2, 2);
        store.applyIfNewer("k", live("1", "a", 1, 1));
        store.applyIfNewer("k", deleted);

        store.applyIfNewer("k", live("late", "a", 1, 1));
        store.applyIfNewer("k", live("concurrent-loser", "0", 1, 2));

        assertSame(deleted, store.get("k"));
        assertEquals(0, store.liveKeyCount());
    }

    @Test
    void reapplyingTheSameEntryDoesNotCountTwice() {
        VersionedStore store = new VersionedStore();
        Entry entry = live("1", "a", 1, 1);
        store.applyIfNewer("k", entry);
        store.applyIfNewer("k", entry);
        store.applyIfNewer("k", live("1", "a", 1, 1));
        assertEquals(1, store.liveKeyCount());
        assertSame(entry, store.get("k"));
    }

    @Test
    void aTombstoneForAnUnknownKeyIsStoredButNotLive() {
        VersionedStore store = new VersionedStore();
        store.applyIfNewer("gone", tombstone("a", 1, 1));
        store.applyIfNewer("here", live("1", "a", 2, 2));
        assertEquals(1, store.liveKeyCount());
        assertEquals(2, store.size());
    }

    @Test
    void liveCountIsExactAcrossManyKeys() {
        VersionedStore store = new VersionedStore();
        for (int i = 1; i <= 50; i++) {
            store.applyIfNewer("k" + i, live("v", "a", i, i));
        }
        for (int i = 1; i <= 50; i += 2) {
            store.applyIfNewer("k" + i, tombstone("b", i, 100 + i));
        }
        assertEquals(25, store.liveKeyCount());
        int[] counted = new int[1];
        store.forEach((key, entry) -> counted[0] += entry.isLive() ? 1 : 0);
        assertEquals(25, counted[0]);
        assertEquals(50, store.size());
    }
}
