package io.causalkv.bench;

import java.util.Map;

/**
 * The outcome of one measured phase: requests answered, over how long, the throughput, the
 * p50/p99/p99.9 latencies (ms), the errors, and every answer by status.
 */
record PhaseResult(String name, long requests, double seconds, double throughput, double p50Millis, double p99Millis,
                   double p999Millis, long errors, Map<Integer, Long> statuses) {

    /** This phase's throughput as a fraction of {@code baseline}'s, measured in the same run. */
    double ratioTo(PhaseResult baseline) {
        return baseline.throughput() == 0 ? 0 : throughput / baseline.throughput();
    }

    /** p99 over p50: how much worse the tail is than the median. */
    double tailRatio() {
        return p50Millis == 0 ? 0 : p99Millis / p50Millis;
    }
}
