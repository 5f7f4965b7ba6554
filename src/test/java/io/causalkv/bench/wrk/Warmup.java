package io.causalkv.bench.wrk;

import java.util.List;

/**
 * When a warming JVM's rate has stopped rising: the least-squares line through the last
 * {@link #RUNS} runs' rates rises by less than {@link #SETTLED_RISE} of their mean over as many
 * runs, at two checks in a row (one check of a noisy rate passes a real climb now and then). A check of consecutive runs within 10 % of each other (the rule before) called six nodes
 * settled after 21 s at 1,221 req/s while they climbed 5 to 10 % every 10 s for three more minutes
 * to 5,000 (docs/PERFORMANCE.md): a slow climb hides in the noise of neighbouring runs, not in a
 * trend over half a minute.
 */
final class Warmup {

    static final int RUN_SECONDS = 5;
    static final int RUNS = 6;
    static final double SETTLED_RISE = 0.05;

    private Warmup() {
    }

    /** The rise of the fitted line over {@link #RUNS} runs, fitted to the last {@link #RUNS} rates, relative to their mean; NaN with fewer. */
    static double rise(List<Double> rates) {
        if (rates.size() < RUNS) {
            return Double.NaN;
        }
        List<Double> last = rates.subList(rates.size() - RUNS, rates.size());
        double meanX = (RUNS - 1) / 2.0;
        double meanY = last.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double covariance = 0;
        double variance = 0;
        for (int i = 0; i < RUNS; i++) {
            covariance += (i - meanX) * (last.get(i) - meanY);
            variance += (i - meanX) * (i - meanX);
        }
        double slope = covariance / variance;
        return meanY == 0 ? 0 : slope * RUNS / meanY;
    }

    /** Whether the rates have settled: the rise below {@link #SETTLED_RISE} now and one run ago. */
    static boolean settled(List<Double> rates) {
        return flat(rates) && flat(rates.subList(0, rates.size() - 1));
    }

    private static boolean flat(List<Double> rates) {
        double rise = rise(rates);
        return !Double.isNaN(rise) && rise < SETTLED_RISE;
    }
}
