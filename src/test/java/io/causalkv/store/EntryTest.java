package io.causalkv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.causal.CausalContext;
import io.causalkv.causal.Dot;
import java.util.List;
import org.junit.jupiter.api.Test;

class EntryTest {

    private static Entry entry(String replica, long seq, long lamport) {
        return new Entry("\"v\"", new Dot(replica, seq), lamport, CausalContext.EMPTY);
    }

    @Test
    void anyEntrySupersedesNothing() {
        assertTrue(entry("a", 1, 1).supersedes(null));
    }

    @Test
    void higherLamportTimeWinsWhateverTheReplicaId() {
        Entry later = entry("a", 1, 5);
        Entry earlier = entry("z", 9, 4);
        assertTrue(later.supersedes(earlier));
        assertFalse(earlier.supersedes(later));
    }

    @Test
    void equalLamportTimesAreBrokenByTheHigherReplicaId() {
        Entry fromB = entry("b", 1, 3);
        Entry fromA = entry("a", 7, 3);
        assertTrue(fromB.supersedes(fromA));
        assertFalse(fromA.supersedes(fromB));
    }

    @Test
    void equalLamportAndReplicaAreBrokenByTheHigherSequenceNumber() {
        Entry second = entry("a", 2, 3);
        Entry first = entry("a", 1, 3);
        assertTrue(second.supersedes(first));
        assertFalse(first.supersedes(second));
    }

    @Test
    void anEntryDoesNotSupersedeItselfSoReapplyingIsANoOp() {
        Entry entry = entry("a", 1, 1);
        assertFalse(entry.supersedes(entry));
        assertFalse(entry.supersedes(entry("a", 1, 1)));
    }

    @Test
    void supersedesIsATotalStrictOrderOnDistinctWrites() {
        List<Entry> entries = List.of(entry("a", 1, 1), entry("a", 2, 1), entry("b", 1, 1),
                entry("a", 3, 2), entry("c", 1, 2), entry("b", 2, 3));
        for (Entry x : entries) {
            for (Entry y : entries) {
                if (x != y) {
                    assertTrue(x.supersedes(y) ^ y.supersedes(x), "exactly one of " + x + ", " + y + " wins");
                }
                for (Entry z : entries) {
                    if (x.supersedes(y) && y.supersedes(z)) {
                        assertTrue(x.supersedes(z), "transitive: " + x + " > " + y + " > " + z);
                    }
                }
            }
        }
    }

    @Test
    void aNullValueIsATombstone() {
        assertFalse(new Entry(null, new Dot("a", 1), 1, CausalContext.EMPTY).isLive());
        assertTrue(entry("a", 1, 1).isLive());
    }

    @Test
    void theValueComesBackExactlyAsStoredWhateverItsCharacters() {
        for (String value : List.of("\"v\"", "{\"a\":[1,2.5e3,null,true]}", "\"caf\u00e9 \u6f22\u5b57 \ud83d\ude00\"", "\"\"")) {
            Entry entry = new Entry(value, new Dot("a", 1), 1, CausalContext.EMPTY);
            assertEquals(value, entry.value());
        }
        assertNull(new Entry(null, new Dot("a", 1), 1, CausalContext.EMPTY).value());
    }

    @Test
    void theDotIsKeptInParts() {
        Entry entry = entry("r1", 7, 9);
        assertEquals(new Dot("r1", 7), entry.dot());
        assertEquals("r1", entry.replica());
        assertEquals(7, entry.seq());
    }

    @Test
    void entriesAreEqualWhenEveryPartIs() {
        assertEquals(entry("a", 1, 1), entry("a", 1, 1));
        assertNotEquals(entry("a", 1, 1), new Entry("\"w\"", new Dot("a", 1), 1, CausalContext.EMPTY));
        assertNotEquals(entry("a", 1, 1), new Entry(null, new Dot("a", 1), 1, CausalContext.EMPTY));
    }

    @Test
    void aValueWithALoneSurrogateComesBackWhole() throws Exception {
        // Values are stored as UTF-8, which cannot hold a lone surrogate: compacting escapes it.
        String compact = io.causalkv.wire.Wire.compact(io.causalkv.wire.Wire.MAPPER.readTree("\"\\ud800x\""));
        Entry entry = new Entry(compact, new Dot("a", 1), 1, CausalContext.EMPTY);
        assertEquals(compact, entry.value());
        assertEquals("\ud800x", io.causalkv.wire.Wire.MAPPER.readTree(entry.value()).asText());
    }
}
