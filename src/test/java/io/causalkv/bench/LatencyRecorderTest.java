package io.causalkv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmark's statistics: percentiles, throughput, errors by status, merging, ratios. */
class LatencyRecorderTest {

    private static final long MILLI = 1_000_000;

    @Test
    void percentilesOfAKnownDistribution() {
        LatencyRecorder recorder = new LatencyRecorder();
        for (int ms = 1; ms <= 1000; ms++) {
            recorder.record(ms * MILLI, 200);
        }
        // HdrHistogram keeps 3 significant digits: within 0.1 % of the exact value.
        assertEquals(500, recorder.percentileMillis(50), 0.5);
        assertEquals(990, recorder.percentileMillis(99), 1);
        assertEquals(999, recorder.percentileMillis(99.9), 1);
        assertEquals(1000, recorder.count());
    }

    @Test
    void aSkewedTailShowsInP99NotInP50() {
        LatencyRecorder recorder = new LatencyRecorder();
        for (int i = 0; i < 985; i++) {
            recorder.record(2 * MILLI, 200);
        }
        for (int i = 0; i < 15; i++) {
            recorder.record(200 * MILLI, 200);
        }
        PhaseResult result = recorder.summarize("skewed", 1);
        assertEquals(2, result.p50Millis(), 0.01);
        assertEquals(200, result.p99Millis(), 0.2);
        assertEquals(100, result.tailRatio(), 0.2);
    }

    @Test
    void errorsAreEveryAnswerOutside2xxAnd3xxIncludingNoAnswer() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.record(MILLI, 200);
        recorder.record(MILLI, 201);
        recorder.record(MILLI, 404);
        recorder.record(MILLI, 503);
        recorder.record(MILLI, 503);
        recorder.record(MILLI, 0);
        assertEquals(4, recorder.errors());
        assertEquals(Map.of(0, 1L, 200, 1L, 201, 1L, 404, 1L, 503, 2L), recorder.statuses());
    }

    @Test
    void mergedWorkersAddUpAndThroughputIsPerSecondOfMeasurement() {
        LatencyRecorder a = new LatencyRecorder();
        LatencyRecorder b = new LatencyRecorder();
        for (int i = 0; i < 300; i++) {
            a.record(MILLI, 200);
        }
        for (int i = 0; i < 100; i++) {
            b.record(3 * MILLI, 503);
        }
        a.add(b);
        PhaseResult result = a.summarize("merged", 2.0);
        assertEquals(400, result.requests());
        assertEquals(200, result.throughput(), 1e-9);
        assertEquals(100, result.errors());
        assertEquals(1, result.p50Millis(), 0.01);
        assertEquals(3, result.p99Millis(), 0.01);
    }

    @Test
    void ratiosAreToTheBaselineOfTheSameRun() {
        PhaseResult hello = new PhaseResult("hello", 1000, 1, 1000, 1, 2, 3, 0, Map.of());
        PhaseResult get = new PhaseResult("get", 850, 1, 850, 1, 2, 3, 0, Map.of());
        assertEquals(0.85, get.ratioTo(hello), 1e-9);
        assertEquals(0, get.ratioTo(new PhaseResult("none", 0, 1, 0, 0, 0, 0, 0, Map.of())));
    }

    @Test
    void latenciesBeyondTheRangeAreClampedNotLost() {
        LatencyRecorder recorder = new LatencyRecorder();
        recorder.record(0, 200);
        recorder.record(120_000 * MILLI, 200);
        assertEquals(2, recorder.count());
        assertEquals(60_000, recorder.percentileMillis(100), 60);
    }

    @Test
    void configIsParsedAndChecked() {
        BenchConfig config = BenchConfig.parse("--targets", "a:1,b:2", "--connections", "8", "--reads", "0.9",
                "--dialect", "kvs-keys", "--keys", "50");
        assertEquals(java.util.List.of("a:1", "b:2"), config.targets());
        assertEquals(8, config.connections());
        assertEquals(0.9, config.readFraction());
        assertEquals(50, config.keys());
        assertThrows(IllegalArgumentException.class, () -> BenchConfig.parse("--reads", "1.5"));
        assertThrows(IllegalArgumentException.class, () -> BenchConfig.parse("--dialect", "memcached"));
        assertThrows(IllegalArgumentException.class, () -> BenchConfig.parse("--connections", "0"));
        assertThrows(IllegalArgumentException.class, () -> BenchConfig.parse("--bogus", "1"));
    }
}
