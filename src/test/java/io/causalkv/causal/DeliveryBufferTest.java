package io.causalkv.causal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeliveryBufferTest {

    /** A bare causal message, printed compactly in failure messages. */
    record Msg(Dot dot, VectorClock deps) implements CausalMessage {
        @Override
        public long encodedSize() {
            return 100;
        }

        @Override
        public String toString() {
            return dot.replica() + ":" + dot.seq() + " deps " + deps;
        }
    }

    private static Msg msg(String replica, long seq, VectorClock deps) {
        return new Msg(new Dot(replica, seq), deps);
    }

    private static Msg msg(String replica, long seq) {
        // FIFO predecessor only; the buffer enforces it even when deps does not name it.
        return msg(replica, seq, VectorClock.EMPTY);
    }

    private static VectorClock clock(String replica, long count) {
        return VectorClock.EMPTY.with(replica, count);
    }

    @Test
    void outOfOrderArrivalFromOneOriginIsDeliveredInSequenceOrder() {
        DeliveryBuffer<Msg> buffer = new DeliveryBuffer<>(10, Long.MAX_VALUE);
        Msg first = msg("a", 1);
        Msg second = msg("a", 2, clock("a", 1));
        Msg third = msg("a", 3, clock("a", 2));

        assertTrue(buffer.offer(third));
        assertTrue(buffer.offer(second));
        assertEquals(List.of(), buffer.takeDeliverable(VectorClock.EMPTY), "a:1 is missing");
        assertEquals(2, buffer.size());

        assertTrue(buffer.offer(first));
        assertEquals(List.of(first, second, third), buffer.takeDeliverable(VectorClock.EMPTY));
        assertEquals(0, buffer.size());
    }

    @Test
    void fifoIsEnforcedEvenWhenDepsDoNotNameThePredecessor() {
        DeliveryBuffer<Msg> buffer = new DeliveryBuffer<>(10, Long.MAX_VALUE);
        Msg second = msg("a", 2);
        buffer.offer(second);
        assertEquals(List.of(), buffer.takeDeliverable(VectorClock.EMPTY));
        assertEquals(List.of(second), buffer.takeDeliverable(clock("a", 1)),
                "deliverable once the applied clock already holds a:1");
    }

    @Test
    void aMessageWaitsForADependencyOnAnotherOriginAndIsReleasedWhenItArrives() {
        DeliveryBuffer<Msg> buffer = new DeliveryBuffer<>(10, Long.MAX_VALUE);
        Msg cause = msg("a", 1);
        Msg effect = msg("b", 1, clock("a", 1));

        buffer.offer(effect);
        assertEquals(List.of(), buffer.takeDeliverable(VectorClock.EMPTY));
        assertEquals(1, buffer.size());

        buffer.offer(cause);
        assertEquals(List.of(cause, effect), buffer.takeDeliverable(VectorClock.EMPTY));
        assertEquals(0, buffer.size());
    }

    @Test
    void aMessageIsReleasedWhenTheAppliedClockAlreadyCoversItsDependency() {
        DeliveryBuffer<Msg> buffer = new DeliveryBuffer<>(10, Long.MAX_VALUE);
        Msg effect = msg("b", 1, clock("a", 2));
        buffer.offer(effect);
        assertEquals(List.of(), buffer.takeDeliverable(clock("a", 1)));
        assertEquals(List.of(effect), buffer.takeDeliverable(clock("a", 2)));
    }

    @Test
    void dependencyChainsAcrossOriginsAreReleasedInOneCall() {
        // c:1 <- b:1 <- a:2, a:1 independent; the buffer must loop until no origin makes progress.
        DeliveryBuffer<Msg> buffer = new DeliveryBuffer<>(10, Long.MAX_VALUE);
        Msg a1 = msg("a", 1);
        Msg c1 = msg("c", 1);
        Msg b1 = msg("b", 1, clock("c", 1));
        Msg a2 = msg("a", 2, clock("a", 1).with("b", 1));
        for (Msg m : List.of(a2, b1, a1, c1)) {
            buffer.offer(m);
        }

        List<Msg> delivered = buffer.takeDeliverable(VectorClock.EMPTY);

        assertEquals(Set.of(a1, a2, b1, c1), Set.copyOf(delivered));
        assertEquals(4, delivered.size());
        assertTrue(delivered.indexOf(c1) < delivered.indexOf(b1));
        assertTrue(delivered.indexOf(b1) < delivered.indexOf(a2));
        assertTrue(delivered.indexOf(a1) < delivered.indexOf(a2));
        assertEquals(0, buffer.size());
    }

    @Test
    void aDuplicateOfABufferedMessageIsAcceptedButKeptOnce() {
        DeliveryBuffer<Msg> buffer = new DeliveryBuffer<>(10, Long.MAX_VALUE);
        Msg waiting = msg("a", 2);
        assertTrue(buffer.offer(waiting));
        assertTrue(buffer.offer(waiting));
        assertTrue(buffer.offer(msg("a", 2)));
        assertEquals(1, buffer.size());

        buffer.offer(msg("a", 1));
        List<Msg> delivered = buffer.takeDeliverable(VectorClock.EMPTY);
        assertEquals(List.of(msg("a", 1), waiting), delivered, "a:2 is delivered exactly once");
        assertEquals(0, buffer.size());
    }

    @Test
    void messagesAlreadyCoveredByTheAppliedClockAreDiscarded() {
        DeliveryBuffer<Msg> buffer = new DeliveryBuffer<>(10, Long.MAX_VALUE);
        buffer.offer(msg("a", 1));
        buffer.offer(msg("a", 2));
        buffer.offer(msg("a", 4)); // waits for a:3 even after the covered ones go
        buffer.offer(msg("b", 1, clock("z", 1))); // covered, though its deps are not

        List<Msg> delivered = buffer.takeDeliverable(clock("a", 2).with("b", 1));

        assertEquals(List.of(), delivered);
        assertEquals(1, buffer.size(), "only a:4 is still waiting");
        assertEquals(List.of(msg("a", 4)), buffer.takeDeliverable(clock("a", 3)));
        assertEquals(0, buffer.size());
    }

    @Test
    void aFullBufferRefusesNewMessagesAndSizeStaysExact() {
        DeliveryBuffer<Msg> buffer = new DeliveryBuffer<>(3, Long.MAX_VALUE);
        assertTrue(buffer.offer(msg("a", 2)));
        assertTrue(buffer.offer(msg("a", 3)));
        assertTrue(buffer.offer(msg("b", 5)));
        assertEquals(3, buffer.size());

        assertFalse(buffer.offer(msg("a", 4)), "full, known origin");
        assertFalse(buffer.offer(msg("c", 1)), "full, new origin");
        assertTrue(buffer.offer(msg("a", 3)), "a duplicate of a buffered message is still accepted");
        assertEquals(3, buffer.size());

        // The refused messages were not kept: delivering a:1 releases only a:2 and a:3.
        assertEquals(List.of(msg("a", 2), msg("a", 3)), buffer.takeDeliverable(clock("a", 1)));
        assertEquals(1, buffer.size());
        assertEquals(List.of(), buffer.takeDeliverable(clock("a", 3)), "a:4 and c:1 were refused");

        assertTrue(buffer.offer(msg("a", 4)), "room again after delivery");
        assertTrue(buffer.offer(msg("c", 2)));
        assertFalse(buffer.offer(msg("c", 3)));
        assertEquals(3, buffer.size());
    }

    /** A message of a given size in bytes. */
    record Sized(Dot dot, VectorClock deps, long encodedSize) implements CausalMessage {
    }

    /** Issue 17 item 5: bounded by count alone, a buffer of 100,000 writes of 1 MiB could hold 100 GB. */
    @Test
    void theBufferIsBoundedByBytesButAlwaysTakesOneMessage() {
        DeliveryBuffer<Sized> buffer = new DeliveryBuffer<>(100, 1_000);
        assertTrue(buffer.offer(new Sized(new Dot("a", 2), VectorClock.EMPTY, 5_000)), "alone, a message of any size");
        assertFalse(buffer.offer(new Sized(new Dot("a", 3), VectorClock.EMPTY, 10)), "over the bytes");
        assertEquals(5_000, buffer.bytes());
        assertEquals(1, buffer.takeDeliverable(clock("a", 1)).size());
        assertEquals(0, buffer.bytes());
        assertTrue(buffer.offer(new Sized(new Dot("b", 2), VectorClock.EMPTY, 600)));
        assertFalse(buffer.offer(new Sized(new Dot("b", 3), VectorClock.EMPTY, 600)), "600 + 600 > 1,000");
        assertTrue(buffer.offer(new Sized(new Dot("b", 3), VectorClock.EMPTY, 400)));
        assertEquals(1_000, buffer.bytes());
        buffer.takeDeliverable(clock("b", 3)); // both covered: discarded
        assertEquals(0, buffer.bytes());
        assertEquals(0, buffer.size());
    }

    @Test
    void discardingCoveredMessagesFreesCapacity() {
        DeliveryBuffer<Msg> buffer = new DeliveryBuffer<>(2, Long.MAX_VALUE);
        buffer.offer(msg("a", 2));
        buffer.offer(msg("a", 3));
        assertFalse(buffer.offer(msg("b", 2)));

        assertEquals(List.of(), buffer.takeDeliverable(clock("a", 3)));
        assertEquals(0, buffer.size());
        assertTrue(buffer.offer(msg("b", 2)));
        assertTrue(buffer.offer(msg("b", 3)));
        assertEquals(2, buffer.size());
    }

    // ---------------------------------------------------------------- randomized causal histories

    private static final List<String> ORIGINS = List.of("a", "b", "c");

    /**
     * A causally consistent history: each origin numbers its messages 1, 2, ...; before sending,
     * it learns a random prefix of each other origin's messages (with their whole histories), and
     * the new message depends on a random prefix of everything its origin has seen so far.
     */
    private static List<Msg> randomHistory(Random random, int count) {
        Map<String, List<Msg>> sent = new HashMap<>();
        Map<String, List<VectorClock>> historyOf = new HashMap<>(); // seen-clock including the message
        Map<String, VectorClock> seen = new HashMap<>();
        for (String origin : ORIGINS) {
            sent.put(origin, new ArrayList<>());
            historyOf.put(origin, new ArrayList<>());
            seen.put(origin, VectorClock.EMPTY);
        }
        List<Msg> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String origin = ORIGINS.get(random.nextInt(ORIGINS.size()));
            VectorClock knows = seen.get(origin);
            for (String other : ORIGINS) {
                int available = sent.get(other).size();
                if (!other.equals(origin) && available > 0 && random.nextInt(3) == 0) {
                    int upTo = 1 + random.nextInt(available);
                    knows = knows.merge(historyOf.get(other).get(upTo - 1));
                }
            }
            VectorClock deps = VectorClock.EMPTY;
            for (String replica : ORIGINS) {
                long max = knows.get(replica);
                deps = deps.with(replica, max == 0 ? 0 : random.nextLong(max + 1));
            }
            long seq = sent.get(origin).size() + 1;
            Msg m = msg(origin, seq, deps);
            sent.get(origin).add(m);
            knows = knows.with(origin, seq);
            historyOf.get(origin).add(knows);
            seen.put(origin, knows);
            all.add(m);
        }
        return all;
    }

    private static void assertValidCausalOrder(List<Msg> history, List<Msg> delivered) {
        assertEquals(history.size(), delivered.size(), "every message is delivered");
        assertEquals(new HashSet<>(history), new HashSet<>(delivered), "each message exactly once");
        VectorClock applied = VectorClock.EMPTY;
        for (Msg m : delivered) {
            assertEquals(applied.get(m.dot().replica()) + 1, m.dot().seq(),
                    "FIFO predecessor must come first: " + m + " after " + applied);
            assertTrue(applied.covers(m.deps()), "deps must come first: " + m + " after " + applied);
            applied = applied.with(m.dot().replica(), m.dot().seq());
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 42, 1234, 98765})
    void aShuffledCausalHistoryIsDeliveredCompletelyInAValidOrder(long seed) {
        Random random = new Random(seed);
        List<Msg> history = randomHistory(random, 200);
        assertTrue(history.stream().anyMatch(m -> m.deps().entries().size() > 1),
                "the generator must produce cross-origin dependencies");
        List<Msg> shuffled = new ArrayList<>(history);
        Collections.shuffle(shuffled, random);

        DeliveryBuffer<Msg> buffer = new DeliveryBuffer<>(history.size(), Long.MAX_VALUE);
        for (Msg m : shuffled) {
            assertTrue(buffer.offer(m));
        }
        assertEquals(history.size(), buffer.size());

        List<Msg> delivered = buffer.takeDeliverable(VectorClock.EMPTY);

        assertValidCausalOrder(history, delivered);
        assertEquals(0, buffer.size());
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {7, 8, 9, 2024})
    void aShuffledCausalHistoryWithDuplicatesIsDeliveredIncrementallyInAValidOrder(long seed) {
        Random random = new Random(seed);
        List<Msg> history = randomHistory(random, 200);
        List<Msg> arrivals = new ArrayList<>(history);
        for (int i = 0; i < 50; i++) {
            arrivals.add(history.get(random.nextInt(history.size()))); // redelivered messages
        }
        Collections.shuffle(arrivals, random);

        DeliveryBuffer<Msg> buffer = new DeliveryBuffer<>(history.size(), Long.MAX_VALUE);
        VectorClock applied = VectorClock.EMPTY;
        List<Msg> delivered = new ArrayList<>();
        for (Msg m : arrivals) {
            // Also offers messages already applied: the buffer must discard them, not redeliver.
            assertTrue(buffer.offer(m));
            for (Msg next : buffer.takeDeliverable(applied)) {
                delivered.add(next);
                applied = applied.with(next.dot().replica(), next.dot().seq());
            }
            assertTrue(buffer.size() <= history.size());
        }

        assertValidCausalOrder(history, delivered);
        assertEquals(0, buffer.size());
    }
}
