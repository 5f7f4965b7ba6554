package io.causalkv.testing;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one series of a node's Prometheus text ({@code /metrics}) the way a scraper would. */
public final class Metrics {

    private Metrics() {
    }

    /** The value of {@code series} (name and labels, exactly as printed) at node {@code i}; fails if absent. */
    public static double value(Nodes nodes, int i, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + "\\s+([0-9.eE+-]+)$")
                .matcher(Http.send("GET", nodes.url(i, "/metrics")).body());
        if (!m.find()) {
            throw new AssertionError("node " + i + " reports no " + series);
        }
        return Double.parseDouble(m.group(1));
    }

    /** The sum of {@code series} over every node. */
    public static double sum(Nodes nodes, String series) {
        double total = 0;
        for (int i = 0; i < nodes.size(); i++) {
            total += value(nodes, i, series);
        }
        return total;
    }
}
