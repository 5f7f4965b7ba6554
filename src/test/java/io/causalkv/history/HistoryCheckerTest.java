package io.causalkv.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.history.FinalState.Reading;
import io.causalkv.history.HistoryChecker.Precedence;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker on hand-made histories: each kind of violation found, clean histories passing. */
class HistoryCheckerTest {

    private static final HistoryChecker CHECKER = HistoryChecker.causal();
    private static final String R1 = "127.0.0.1:1";
    private static final String R2 = "127.0.0.1:2";

    private static FinalState everywhere(String key, Reading reading) {
        return new FinalState().put(key, R1, reading).put(key, R2, reading).convergedAfter(Duration.ofMillis(2_500));
    }

    private static List<Violation.Kind> kinds(List<Violation> violations) {
        return violations.stream().map(Violation::kind).toList();
    }

    /** Only violations of {@code kind} (one per replica that shows it), each described. */
    private static void assertOnly(Violation.Kind kind, List<Violation> violations) {
        assertEquals(List.of(kind), kinds(violations).stream().distinct().toList(), violations.toString());
        assertTrue(!violations.get(0).description().isBlank());
    }

    // ---- clean histories ------------------------------------------------------------------

    @Test
    void aCleanHistoryWithTwoSessionsPasses() {
        History history = new HistoryBuilder()
                .put("s1", "k", "a", 0, 10)
                .get("s2", "k", "a", 20, 30)
                .put("s2", "k", "b", 40, 50)
                .get("s1", "k", "b", 60, 70)
                .get("s1", "k", "b", 80, 90)
                .put("s1", "j", "c", 100, 110)
                .get("s2", "j", "c", 120, 130)
                .build();
        assertEquals(List.of(), CHECKER.check(history, everywhere("k", Reading.of("b")).put("j", R1, Reading.of("c"))));
    }

    @Test
    void readsThatFailedOrFoundNothingBeforeAnyWriteAreNoViolation() {
        History history = new HistoryBuilder()
                .getNotFound("s1", "k", 0, 5)
                .getFailed("s1", "k", 6, 9)
                .put("s2", "k", "a", 10, 20)
                .getNotFound("s1", "k", 21, 25) // s1 never depended on a
                .build();
        assertEquals(List.of(), CHECKER.check(history, everywhere("k", Reading.of("a"))));
    }

    @Test
    void aDeleteExplainsNoValueAndTheFinalAbsence() {
        History history = new HistoryBuilder()
                .put("s1", "k", "a", 0, 10)
                .delete("s2", "k", 5, 15) // concurrent with a: either may win
                .getNotFound("s1", "k", 20, 30)
                .build();
        assertEquals(List.of(), CHECKER.check(history, everywhere("k", Reading.absent())));
        assertEquals(List.of(), CHECKER.check(history, everywhere("k", Reading.of("a"))));
    }

    @Test
    void concurrentWritesMayEndEitherWayUnderCausalPrecedence() {
        History history = new HistoryBuilder()
                .put("s1", "k", "a", 0, 10)
                .put("s2", "k", "b", 20, 30) // after a in real time, but s2 never saw a
                .build();
        assertEquals(List.of(), CHECKER.check(history, everywhere("k", Reading.of("a"))));
        assertEquals(List.of(), CHECKER.check(history, everywhere("k", Reading.of("b"))));
    }

    @Test
    void anIndeterminateWriteMayOrMayNotBeTheFinalValue() {
        History history = new HistoryBuilder()
                .put("s1", "k", "a", 0, 10)
                .putIndeterminate("s1", "k", "b", 20, 5_000)
                .build();
        assertEquals(List.of(), CHECKER.check(history, everywhere("k", Reading.of("a"))));
        assertEquals(List.of(), CHECKER.check(history, everywhere("k", Reading.of("b"))));
    }

    // ---- (a) no acknowledged write lost -------------------------------------------------------

    @Test
    void aFinalValueOlderThanTheSessionsLastAcknowledgedWriteIsALostWrite() {
        History history = new HistoryBuilder()
                .put("s1", "k", "a", 0, 10)
                .put("s1", "k", "b", 20, 30)
                .build();
        List<Violation> violations = CHECKER.check(history,
                new FinalState().put("k", R1, Reading.of("b")).put("k", R2, Reading.of("a")).convergedAfter(Duration.ofSeconds(1)));
        assertEquals(List.of(Violation.Kind.LOST_WRITE, Violation.Kind.DIVERGENT_REPLICAS), kinds(violations), violations.toString());
        assertTrue(violations.get(0).description().contains("k at " + R2), violations.get(0).description());
    }

    @Test
    void aWriteThatReadTheOtherSupersedesIt() {
        History history = new HistoryBuilder()
                .put("s1", "k", "a", 0, 10)
                .get("s2", "k", "a", 20, 30)
                .put("s2", "k", "b", 40, 50) // causally after a
                .build();
        assertOnly(Violation.Kind.LOST_WRITE, CHECKER.check(history, everywhere("k", Reading.of("a"))));
    }

    @Test
    void noValueAtTheEndOfAKeyWithAnAcknowledgedWriteAndNoDeleteIsALostWrite() {
        History history = new HistoryBuilder().put("s1", "k", "a", 0, 10).build();
        assertOnly(Violation.Kind.LOST_WRITE, CHECKER.check(history, everywhere("k", Reading.absent())));
    }

    @Test
    void aValueThatAnAcknowledgedDeleteFollowedMustNotReturn() {
        History history = new HistoryBuilder()
                .put("s1", "k", "a", 0, 10)
                .delete("s1", "k", 20, 30)
                .build();
        assertEquals(List.of(), CHECKER.check(history, everywhere("k", Reading.absent())));
        assertOnly(Violation.Kind.LOST_WRITE, CHECKER.check(history, everywhere("k", Reading.of("a"))));
    }

    @Test
    void realTimePrecedenceMakesTheLaterAcknowledgedWriteTheOnlyAllowedEnd() {
        History history = new HistoryBuilder()
                .put("s1", "k", "a", 0, 10)
                .put("s2", "k", "b", 20, 30)
                .build();
        HistoryChecker realTime = new HistoryChecker(Precedence.CAUSAL_OR_REAL_TIME, Duration.ofSeconds(5));
        assertOnly(Violation.Kind.LOST_WRITE, realTime.check(history, everywhere("k", Reading.of("a"))));
        assertEquals(List.of(), realTime.check(history, everywhere("k", Reading.of("b"))));
    }

    @Test
    void aFinalValueNoWriteWroteOrARefusedWriteWroteIsReported() {
        History history = new HistoryBuilder()
                .put("s1", "k", "a", 0, 10)
                .putRefused("s1", "k", "r", 20, 30)
                .build();
        assertEquals(List.of(Violation.Kind.PHANTOM_VALUE, Violation.Kind.PHANTOM_VALUE),
                kinds(CHECKER.check(history, everywhere("k", Reading.of("zzz")))));
        assertEquals(List.of(Violation.Kind.FAILED_WRITE_VISIBLE, Violation.Kind.FAILED_WRITE_VISIBLE),
                kinds(CHECKER.check(history, everywhere("k", Reading.of("r")))));
    }

    @Test
    void aKeyWithAcknowledgedWritesMustBeReadAtTheEnd() {
        History history = new HistoryBuilder().put("s1", "k", "a", 0, 10).put("s1", "j", "b", 0, 10).build();
        assertOnly(Violation.Kind.KEY_NOT_READ, CHECKER.check(history, everywhere("k", Reading.of("a"))));
    }

    // ---- (b) no causal violation ---------------------------------------------------------------

    @Test
    void readingAnOlderValueThanOnesOwnWriteBreaksReadYourWrites() {
        History history = new HistoryBuilder()
                .put("s1", "k", "a", 0, 10)
                .put("s1", "k", "b", 20, 30)
                .get("s1", "k", "a", 40, 50)
                .build();
        assertOnly(Violation.Kind.READ_YOUR_WRITES, CHECKER.check(history));
    }

    @Test
    void noValueAfterOnesOwnWriteBreaksReadYourWritesUnlessADeleteMayHaveFollowed() {
        HistoryBuilder builder = new HistoryBuilder()
                .put("s1", "k", "a", 0, 10)
                .getNotFound("s1", "k", 20, 30);
        assertOnly(Violation.Kind.READ_YOUR_WRITES, CHECKER.check(builder.build()));
        builder.delete("s2", "k", 5, 15); // concurrent with a
        assertEquals(List.of(), CHECKER.check(builder.build()));
    }

    @Test
    void noValueAfterAWriteThatFollowedTheDeleteIsStale() {
        History history = new HistoryBuilder()
                .delete("s1", "k", 0, 10)
                .put("s1", "k", "a", 20, 30)
                .getNotFound("s1", "k", 40, 50)
                .build();
        assertOnly(Violation.Kind.READ_YOUR_WRITES, CHECKER.check(history));
    }

    @Test
    void readingAnOlderValueAfterANewerOneBreaksMonotonicReads() {
        History history = new HistoryBuilder()
                .put("s1", "k", "a", 0, 10)
                .put("s1", "k", "b", 20, 30)
                .get("s2", "k", "b", 40, 50)
                .get("s2", "k", "a", 60, 70)
                .build();
        assertOnly(Violation.Kind.MONOTONIC_READS, CHECKER.check(history));
    }

    @Test
    void readingAValueOlderThanADependencyOfWhatWasReadIsACausalViolation() {
        History history = new HistoryBuilder()
                .put("s1", "x", "x1", 0, 10)
                .put("s1", "x", "x2", 20, 30)
                .put("s1", "y", "y1", 40, 50) // y1 depends on x2
                .get("s2", "y", "y1", 60, 70)
                .get("s2", "x", "x1", 80, 90)
                .build();
        assertOnly(Violation.Kind.CAUSAL_READ, CHECKER.check(history));
    }

    @Test
    void aDependencyCarriedThroughAnotherSessionsWriteCounts() {
        History history = new HistoryBuilder()
                .put("s1", "x", "x1", 0, 10)
                .put("s1", "x", "x2", 20, 30)
                .get("s2", "x", "x2", 40, 50)
                .put("s2", "y", "y1", 60, 70) // depends on x2 through s2's read
                .get("s3", "y", "y1", 80, 90)
                .getNotFound("s3", "x", 100, 110)
                .build();
        assertOnly(Violation.Kind.CAUSAL_READ, CHECKER.check(history));
    }

    @Test
    void readsOfValuesNeverWrittenRefusedOrNotYetWrittenAreReported() {
        History history = new HistoryBuilder()
                .get("s1", "k", "ghost", 0, 10)
                .putRefused("s2", "k", "refused", 20, 30)
                .get("s1", "k", "refused", 40, 50)
                .get("s1", "k", "later", 60, 70)
                .put("s2", "k", "later", 80, 90)
                .build();
        assertEquals(List.of(Violation.Kind.PHANTOM_VALUE, Violation.Kind.FAILED_WRITE_VISIBLE, Violation.Kind.FUTURE_READ),
                kinds(CHECKER.check(history)));
    }

    @Test
    void aCycleOfReadsIsReportedAndTheCheckFinishes() {
        History history = new HistoryBuilder()
                .get("s1", "k", "b", 0, 100)
                .put("s1", "j", "a", 110, 120)
                .get("s2", "j", "a", 0, 130)
                .put("s2", "k", "b", 140, 150)
                .build();
        List<Violation.Kind> kinds = kinds(CHECKER.check(history));
        assertTrue(kinds.contains(Violation.Kind.CAUSAL_CYCLE), kinds.toString());
    }

    @Test
    void valuesMustBeUniquePerWrite() {
        History history = new HistoryBuilder().put("s1", "k", "a", 0, 10).put("s2", "k", "a", 0, 10).build();
        assertThrows(IllegalArgumentException.class, () -> CHECKER.check(history));
    }

    // ---- (c) convergence --------------------------------------------------------------------------

    @Test
    void replicasThatDisagreeOrConvergeLateOrDoNotAnswerAreReported() {
        History history = new HistoryBuilder()
                .put("s1", "k", "a", 0, 10)
                .put("s2", "k", "b", 0, 10)
                .build();
        assertOnly(Violation.Kind.DIVERGENT_REPLICAS, CHECKER.check(history,
                new FinalState().put("k", R1, Reading.of("a")).put("k", R2, Reading.of("b")).convergedAfter(Duration.ofSeconds(1))));
        assertOnly(Violation.Kind.SLOW_CONVERGENCE, CHECKER.check(history, new FinalState().put("k", R1, Reading.of("a"))
                .put("k", R2, Reading.of("a")).convergedAfter(Duration.ofMillis(5_060)).lastApartAfter(Duration.ofMillis(5_001))));
        // Seen apart within the bound, agreed at the next look just after it: within the polling's resolution (one round).
        assertEquals(List.of(), CHECKER.check(history, new FinalState().put("k", R1, Reading.of("a"))
                .put("k", R2, Reading.of("a")).convergedAfter(Duration.ofMillis(5_060)).lastApartAfter(Duration.ofMillis(4_990))));
        // Agreed at a first look that came late, never seen apart: the bound was not measured, and that is said.
        List<Violation> unmeasured = CHECKER.check(history,
                new FinalState().put("k", R1, Reading.of("a")).put("k", R2, Reading.of("a")).convergedAfter(Duration.ofMillis(9_864)));
        assertOnly(Violation.Kind.SLOW_CONVERGENCE, unmeasured);
        assertTrue(unmeasured.get(0).description().contains("first look at the replicas came only 9864 ms after the heal"), unmeasured.toString());
        assertOnly(Violation.Kind.SLOW_CONVERGENCE, CHECKER.check(history,
                new FinalState().put("k", R1, Reading.of("a")).put("k", R2, Reading.of("a"))));
        // A slow convergence says what kept the replicas apart last, to diagnose it from the CI log.
        List<Violation> late = CHECKER.check(history, new FinalState().put("k", R1, Reading.of("a")).put("k", R2, Reading.of("a"))
                .convergedAfter(Duration.ofMillis(9_840)).lastApartAfter(Duration.ofMillis(9_790))
                .lastDisagreement("9790 ms after the heal: k {r1=a, r2=(no value)}"));
        assertOnly(Violation.Kind.SLOW_CONVERGENCE, late);
        assertTrue(late.get(0).description().endsWith("last apart 9790 ms after the heal: k {r1=a, r2=(no value)}"), late.toString());
        assertEquals(List.of(Violation.Kind.UNREADABLE_REPLICA, Violation.Kind.DIVERGENT_REPLICAS), kinds(CHECKER.check(history,
                new FinalState().put("k", R1, Reading.of("a")).put("k", R2, new Reading(503, null)).convergedAfter(Duration.ofSeconds(1)))));
    }

    // ---- (d) bounded waits ------------------------------------------------------------------------

    @Test
    void requestsHeldPastTheBoundAreReportedAnsweredOrNot() {
        History history = new HistoryBuilder()
                .put("s1", "k", "a", 0, 5_000)
                .putIndeterminate("s2", "k", "b", 100, 10_100)
                .getFailed("s1", "k", 6_000, 11_001)
                .build();
        List<Violation> slow = HistoryChecker.slowAnswers(history, Duration.ofSeconds(5));
        assertEquals(List.of(Violation.Kind.SLOW_ANSWER, Violation.Kind.SLOW_ANSWER), kinds(slow));
        assertTrue(slow.get(0).description().startsWith("10000 ms, over the bound of 5000 ms: s2#0 PUT k=b"), slow.toString());
        assertTrue(slow.get(1).description().startsWith("5001 ms, over the bound of 5000 ms: s1#1 GET k"), slow.toString());
    }
}
