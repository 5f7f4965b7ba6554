package io.causalkv.store;

import io.causalkv.causal.CausalContext;
import io.causalkv.causal.VectorClock;
import java.util.Map;

/**
 * A generous bound on the bytes an entry takes in a peer message (JSON, UTF-8), so senders can
 * cut their batches to the peers' size limit without encoding anything twice.
 */
public final class EncodedSize {

    /** Field names, dot, Lamport time and punctuation of one entry, with room to spare. */
    private static final int ENTRY_FIXED = 128;
    /** A replica's count in a clock: quotes, colon, comma, and a long in decimal. */
    private static final int CLOCK_ENTRY_FIXED = 32;
    /** The longest JSON escape of one character ({@code \u001f}). */
    private static final int MAX_ESCAPED_CHAR = 6;

    private EncodedSize() {
    }

    /** An entry of {@code key}: the key, the value's JSON text, its dot, and its history in other shards. */
    public static long of(String key, Entry entry) {
        // The value is JSON text already: it goes out as it is.
        return of(key, entry.replica(), entry.foreign()) + entry.valueBytes();
    }

    /** The same for a write's parts, its value as JSON text (null for a deletion). */
    public static long of(String key, String value, String replica, CausalContext foreign) {
        return of(key, replica, foreign) + (value == null ? 0 : utf8(value));
    }

    private static long of(String key, String replica, CausalContext foreign) {
        return ENTRY_FIXED + (long) MAX_ESCAPED_CHAR * key.length() + utf8(replica) + context(foreign);
    }

    public static long context(CausalContext context) {
        long size = 0;
        for (VectorClock clock : context.shards().values()) {
            size += CLOCK_ENTRY_FIXED + clock(clock);
        }
        return size;
    }

    public static long clock(VectorClock clock) {
        long size = 2;
        for (Map.Entry<String, Long> replica : clock.entries().entrySet()) {
            size += CLOCK_ENTRY_FIXED + utf8(replica.getKey());
        }
        return size;
    }

    static long utf8(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            // A surrogate pair is 4 bytes: 2 for each half.
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }
}
