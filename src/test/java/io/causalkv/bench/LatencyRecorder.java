package io.causalkv.bench;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * One worker's measurements of one phase: a latency histogram (microseconds, 3 significant
 * digits, up to 60 s) and the answers by HTTP status (0 for a request that got no answer).
 * Not thread-safe: one per worker thread, merged at the end.
 */
final class LatencyRecorder {

    private final Histogram histogram = new Histogram(60_000_000L, 3);
    private final Map<Integer, Long> statuses = new TreeMap<>();

    void record(long nanos, int status) {
        histogram.recordValue(Math.max(1, Math.min(nanos / 1_000, histogram.getHighestTrackableValue())));
        statuses.merge(status, 1L, Long::sum);
    }

    void add(LatencyRecorder other) {
        histogram.add(other.histogram);
        other.statuses.forEach((status, count) -> statuses.merge(status, count, Long::sum));
    }

    long count() {
        return histogram.getTotalCount();
    }

    /** The latency at {@code percentile} (0 to 100), in milliseconds. */
    double percentileMillis(double percentile) {
        return histogram.getValueAtPercentile(percentile) / 1_000.0;
    }

    /** Answers by status; a status of 2xx or 3xx is a success, anything else (0 included) an error. */
    Map<Integer, Long> statuses() {
        return Map.copyOf(statuses);
    }

    long errors() {
        return statuses.entrySet().stream().filter(e -> e.getKey() < 200 || e.getKey() >= 400)
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** The phase's summary over {@code seconds} of measurement. */
    PhaseResult summarize(String name, double seconds) {
        return new PhaseResult(name, count(), seconds, count() / seconds, percentileMillis(50), percentileMillis(99),
                percentileMillis(99.9), errors(), statuses());
    }
}
