package io.causalkv.soak;

import io.causalkv.testing.Http;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One node's state gauges, read from its {@code /metrics} (Prometheus text). */
record NodeReading(double keys, double tombstones, double deliveryBuffer, double replicationQueue, double replicationLagSeconds) {

    /** A node that is stopped or did not answer. */
    static final NodeReading NONE = new NodeReading(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    static NodeReading scrape(String url) {
        try {
            Http.Reply reply = Http.send("GET", url);
            return reply.status() == 200 ? parse(reply.body()) : NONE;
        } catch (RuntimeException e) {
            return NONE;
        }
    }

    static NodeReading parse(String metrics) {
        return new NodeReading(gauge(metrics, "causalkv_keys"), gauge(metrics, "causalkv_tombstones"),
                gauge(metrics, "causalkv_delivery_buffer"), gauge(metrics, "causalkv_replication_queue"),
                gauge(metrics, "causalkv_replication_lag_seconds"));
    }

    private static double gauge(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "(?:\\{[^}]*})? ([0-9.eE+-]+|NaN)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    boolean answered() {
        return !Double.isNaN(keys);
    }

    /** Nothing waits for delivery or for replication at this node. */
    boolean drained() {
        return answered() && deliveryBuffer == 0 && replicationQueue == 0;
    }
}
