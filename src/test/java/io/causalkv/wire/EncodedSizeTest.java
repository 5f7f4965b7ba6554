package io.causalkv.wire;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.causal.CausalContext;
import io.causalkv.causal.Dot;
import io.causalkv.causal.VectorClock;
import io.causalkv.replication.Write;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Senders cut batches by {@link Write#encodedSize()}: it must never be less than what Wire sends. */
class EncodedSizeTest {

    private static final String ALPHABET = "az\"\\\u0001\u007f\u00e9\u20ac\ud83d\ude00<>&";

    @Test
    void theEstimateBoundsTheEncodedWrite() throws Exception {
        Random random = new Random(8);
        for (int i = 0; i < 2_000; i++) {
            String key = text(random, 1 + random.nextInt(50));
            String value = random.nextInt(5) == 0 ? null
                    : Wire.MAPPER.writeValueAsString(text(random, random.nextInt(2_000)));
            VectorClock other = VectorClock.of(Map.of("10.0.0." + random.nextInt(255) + ":8090@k" + i + ".1", (long) i,
                    "node-" + i + ".example:13800@abc.2", Long.MAX_VALUE));
            CausalContext foreign = random.nextBoolean() ? CausalContext.EMPTY
                    : CausalContext.of(random.nextInt(9), Map.of(2, other, 3, other), random.nextInt(1_000_000));
            VectorClock deps = random.nextBoolean() ? VectorClock.EMPTY : other;
            Write write = new Write(key, value, new Dot("127.0.0.1:" + (1 + random.nextInt(65_000)) + "@x" + i + ".1",
                    1 + random.nextInt(Integer.MAX_VALUE)), random.nextLong() >>> 12, deps, foreign);
            int actual = Wire.MAPPER.writeValueAsBytes(Wire.write(write)).length;
            assertTrue(write.encodedSize() >= actual, "estimate " + write.encodedSize() + " < " + actual + " for " + write);
        }
    }

    private static String text(Random random, int length) {
        StringBuilder text = new StringBuilder();
        while (text.length() < length) {
            int at = random.nextInt(ALPHABET.length());
            if (Character.isHighSurrogate(ALPHABET.charAt(at))) {
                text.append(ALPHABET, at, at + 2);
            } else if (!Character.isLowSurrogate(ALPHABET.charAt(at))) {
                text.append(ALPHABET.charAt(at));
            }
        }
        return text.toString();
    }
}
