package io.causalkv.soak;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What the sampler saw at one moment: the JVM's heap in use just after a full collection, its
 * live threads, and each node's gauges (every node of the cluster runs in this JVM).
 */
record Sample(double seconds, int epoch, String phase, double heapAfterGcMiB, int threads, List<NodeReading> nodes) {

    static String header(int nodeCount) {
        StringBuilder line = new StringBuilder("t_s\tepoch\tphase\theap_after_gc_mib\tthreads");
        for (int i = 0; i < nodeCount; i++) {
            for (String column : List.of("keys", "tombstones", "delivery_buffer", "replication_queue", "replication_lag_s")) {
                line.append("\tn").append(i).append('_').append(column);
            }
        }
        return line.toString();
    }

    String tsv() {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%.1f\t%d\t%s\t%.1f\t%d", seconds, epoch, phase, heapAfterGcMiB, threads));
        for (NodeReading n : nodes) {
            for (double v : new double[] {n.keys(), n.tombstones(), n.deliveryBuffer(), n.replicationQueue(), n.replicationLagSeconds()}) {
                line.append('\t').append(Double.isNaN(v) ? "-" : format(v));
            }
        }
        return line.toString();
    }

    /** One line of the printed summary: the cluster's totals and maxima. */
    String summary() {
        return String.format(Locale.ROOT, "%6.0f %5d %-9s %8.1f %7d %6s %10s %6s %6s %7s", seconds, epoch, phase, heapAfterGcMiB, threads,
                format(sum(NodeReading::keys)), column(NodeReading::tombstones), format(sum(NodeReading::deliveryBuffer)),
                format(sum(NodeReading::replicationQueue)), format(max(NodeReading::replicationLagSeconds)));
    }

    static String summaryHeader() {
        return String.format(Locale.ROOT, "%6s %5s %-9s %8s %7s %6s %10s %6s %6s %7s", "t(s)", "epoch", "phase", "heap MiB", "threads",
                "keys", "tombstones", "buffer", "queue", "lag(s)");
    }

    private String column(java.util.function.ToDoubleFunction<NodeReading> gauge) {
        return nodes.stream().filter(NodeReading::answered).map(n -> format(gauge.applyAsDouble(n))).collect(Collectors.joining("/"));
    }

    double sum(java.util.function.ToDoubleFunction<NodeReading> gauge) {
        return nodes.stream().filter(NodeReading::answered).mapToDouble(gauge).sum();
    }

    double max(java.util.function.ToDoubleFunction<NodeReading> gauge) {
        return nodes.stream().filter(NodeReading::answered).mapToDouble(gauge).max().orElse(Double.NaN);
    }

    private static String format(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
