package io.causalkv.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Which layout wins when maps merge, and where a layout puts a key. */
class LayoutTest {

    @Test
    void theHigherEpochWinsWhateverTheShape() {
        assertTrue(Layout.sharded(3, 2).beats(Layout.sharded(2, 5)));
        assertFalse(Layout.sharded(2, 5).beats(Layout.sharded(3, 2)));
        // A later replicated layout (a view change back to one group) wins over an older sharded one.
        assertTrue(new Layout(4, 1, false).beats(Layout.sharded(3, 4)));
        assertFalse(Layout.sharded(3, 4).beats(new Layout(4, 1, false)));
    }

    @Test
    void atEqualEpochsShardedBeatsReplicated() {
        // A node started without SHARD_COUNT learns that the cluster is sharded (API.md 2.2).
        assertTrue(Layout.sharded(1, 2).beats(Layout.REPLICATED));
        assertFalse(Layout.REPLICATED.beats(Layout.sharded(1, 2)));
        assertTrue(Layout.sharded(1, 1).beats(Layout.REPLICATED));
        assertFalse(Layout.REPLICATED.beats(Layout.sharded(1, 1)));
    }

    @Test
    void atEqualEpochsTheMoreShardsWinAndNoLayoutBeatsItself() {
        assertTrue(Layout.sharded(3, 4).beats(Layout.sharded(3, 2)));
        assertFalse(Layout.sharded(3, 2).beats(Layout.sharded(3, 4)));
        assertFalse(Layout.sharded(3, 2).beats(Layout.sharded(3, 2)));
        assertFalse(Layout.REPLICATED.beats(Layout.REPLICATED));
    }

    @Test
    void invalidLayoutsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Layout.sharded(0, 2));
        assertThrows(IllegalArgumentException.class, () -> new Layout(-1, 1, false));
        assertThrows(IllegalArgumentException.class, () -> Layout.sharded(2, 0));
        assertThrows(IllegalArgumentException.class, () -> Layout.sharded(2, -3));
        assertThrows(IllegalArgumentException.class, () -> new Layout(1, 2, false));
        assertThrows(IllegalArgumentException.class, () -> new Layout(1, 0, false));
    }

    @Test
    void aLayoutHasExactlyTheShardsOneToN() {
        Layout three = Layout.sharded(2, 3);
        assertFalse(three.hasShard(-1));
        assertFalse(three.hasShard(0));
        assertTrue(three.hasShard(1));
        assertTrue(three.hasShard(3));
        assertFalse(three.hasShard(4));
        assertTrue(Layout.REPLICATED.hasShard(1));
        assertFalse(Layout.REPLICATED.hasShard(2));
    }

    @Test
    void aReplicatedLayoutPutsEveryKeyInShardOne() {
        IntStream.range(0, 1000).mapToObj(i -> "key" + i)
                .forEach(key -> assertEquals(1, Layout.REPLICATED.shardOf(key), key));
    }

    @Test
    void aShardedLayoutPlacesKeysOnItsRingWhateverTheEpoch() {
        for (int n = 1; n <= 6; n++) {
            HashRing ring = HashRing.of(n);
            Layout early = Layout.sharded(2, n);
            Layout late = Layout.sharded(9, n);
            for (int i = 0; i < 1000; i++) {
                String key = "key" + i;
                assertEquals(ring.shardOf(key), early.shardOf(key), key);
                assertEquals(ring.shardOf(key), late.shardOf(key), key);
            }
        }
    }
}
