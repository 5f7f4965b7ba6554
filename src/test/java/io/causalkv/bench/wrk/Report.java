package io.causalkv.bench.wrk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The figures of a run and their ratios to the anchors measured in the same run: every causalkv
 * phase to the bare anchor's {@code hello} (a session per connection, as every other phase) and
 * to its layout's own {@code hello-1}; a mixed phase also to {@code etcd-mixed} and {@code
 * map-mixed} (the bare anchor's map under the same mix). Markdown for the console, maps for JSON.
 */
final class Report {

    static final String BARE = "bare";
    static final String ETCD = "etcd";
    /** The generator check: the session script must drive at least this share of plain wrk's /hello. */
    static final double GENERATOR_CHECK = 0.90;

    private Report() {
    }

    /** causalkv ÷ anchor: throughput, p50, p99 and server CPU per request. */
    record Ratio(double throughput, double p50, double p99, double cpu) {

        static Ratio of(Phase phase, Phase anchor) {
            return new Ratio(phase.requestsPerSecond() / anchor.requestsPerSecond(),
                    phase.p50Millis() / anchor.p50Millis(), phase.p99Millis() / anchor.p99Millis(),
                    phase.serverCpuMicrosPerRequest() / anchor.serverCpuMicrosPerRequest());
        }

        String cell() {
            return String.format(Locale.ROOT, "%s / %s / %s / %s", num(throughput, 2), num(p50, 2), num(p99, 2),
                    num(cpu, 2));
        }
    }

    /** A causalkv phase with its ratios, by anchor ("bare hello", "hello-1", "etcd-mixed", "map-mixed"). */
    record Row(Phase phase, Map<String, Ratio> ratios) {
    }

    static final List<String> ANCHORS = List.of("bare hello", "hello-1", "etcd-mixed", "map-mixed");

    static List<Row> ratios(List<Phase> phases) {
        List<Row> rows = new ArrayList<>();
        for (Phase phase : phases) {
            if (!phase.causalkv()) {
                continue;
            }
            Map<String, Ratio> ratios = new LinkedHashMap<>();
            find(phases, BARE, "hello").ifPresent(a -> ratios.put("bare hello", Ratio.of(phase, a)));
            if (!phase.name().equals("hello-1")) {
                find(phases, phase.group(), "hello-1").ifPresent(a -> ratios.put("hello-1", Ratio.of(phase, a)));
            }
            if (phase.name().contains("mixed")) {
                find(phases, ETCD, "etcd-mixed").ifPresent(a -> ratios.put("etcd-mixed", Ratio.of(phase, a)));
                find(phases, BARE, "map-mixed").ifPresent(a -> ratios.put("map-mixed", Ratio.of(phase, a)));
            }
            rows.add(new Row(phase, ratios));
        }
        return rows;
    }

    static Optional<Phase> find(List<Phase> phases, String group, String name) {
        return phases.stream().filter(p -> p.group().equals(group) && p.name().equals(name)).findFirst();
    }

    /** The session script's /hello over plain wrk's, on the bare anchor; empty without both. */
    static OptionalDouble generatorCheck(List<Phase> phases) {
        Optional<Phase> session = find(phases, BARE, "hello");
        Optional<Phase> plain = find(phases, BARE, "wrk-hello");
        if (session.isEmpty() || plain.isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(session.get().requestsPerSecond() / plain.get().requestsPerSecond());
    }

    /** Requests per second of {@code runs} together over those of {@code reference} together. */
    static double interleavedRatio(List<WrkResult> runs, List<WrkResult> reference) {
        return rate(runs) / rate(reference);
    }

    private static double rate(List<WrkResult> runs) {
        long requests = runs.stream().mapToLong(WrkResult::requests).sum();
        double seconds = runs.stream().mapToDouble(WrkResult::seconds).sum();
        return requests / seconds;
    }

    static String phaseTable(List<Phase> phases) {
        StringBuilder table = new StringBuilder(
                "| group | phase | conns | req/s | p50 ms | p99 ms | p99.9 ms | p99/p50 | errors | server CPU µs/req | generator CPU | peer calls/req |\n"
                + "|---|---|--:|--:|--:|--:|--:|--:|---|--:|--:|--:|\n");
        for (Phase p : phases) {
            table.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                    p.group(), p.name(), p.connections(), count(p.requestsPerSecond()), num(p.p50Millis(), 2),
                    num(p.p99Millis(), 2), num(p.p999Millis(), 2), num(p.tail(), 1), errors(p),
                    num(p.serverCpuMicrosPerRequest(), 0), percent(p.generatorShare()),
                    num(p.peerCallsPerRequest(), 2)));
        }
        return table.toString();
    }

    static String ratioTable(List<Row> rows) {
        StringBuilder table = new StringBuilder("| group | phase |");
        ANCHORS.forEach(a -> table.append(" vs ").append(a).append(" |"));
        table.append("\n|---|---|").append("--:|".repeat(ANCHORS.size())).append('\n');
        for (Row row : rows) {
            table.append("| ").append(row.phase().group()).append(" | ").append(row.phase().name()).append(" |");
            for (String anchor : ANCHORS) {
                Ratio ratio = row.ratios().get(anchor);
                table.append(' ').append(ratio == null ? "" : ratio.cell()).append(" |");
            }
            table.append('\n');
        }
        return table.toString();
    }

    /** Non-2xx answers by status and socket errors; reads that found nothing where no 404 tells it (etcd). */
    static String errors(Phase p) {
        Map<String, Long> errors = p.errors();
        StringBuilder text = new StringBuilder();
        errors.forEach((kind, n) -> text.append(text.length() == 0 ? "" : " ").append(kind).append(':').append(n));
        if (p.result().misses() > 0 && !errors.containsKey("404")) {
            text.append(text.length() == 0 ? "" : " ").append("miss:").append(p.result().misses());
        }
        return text.length() == 0 ? "0" : text.toString();
    }

    static Map<String, Object> json(Phase p) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("group", p.group());
        json.put("phase", p.name());
        json.put("connections", p.connections());
        json.put("requests", p.result().requests());
        json.put("seconds", p.result().seconds());
        json.put("requests_per_s", finite(p.requestsPerSecond()));
        json.put("p50_ms", finite(p.p50Millis()));
        json.put("p99_ms", finite(p.p99Millis()));
        json.put("p999_ms", finite(p.p999Millis()));
        json.put("p99_over_p50", finite(p.tail()));
        json.put("statuses", p.result().statuses());
        json.put("errors", p.errors());
        json.put("misses", p.result().misses());
        json.put("unwritten", p.result().unwritten());
        json.put("server_cpu_us_per_request", finite(p.serverCpuMicrosPerRequest()));
        json.put("generator_cpu_share", finite(p.generatorShare()));
        json.put("generator_cpu_us_per_request", finite(p.generatorCpuMicrosPerRequest()));
        json.put("peer_calls_per_request", finite(p.peerCallsPerRequest()));
        return json;
    }

    static Map<String, Object> json(Row row) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("group", row.phase().group());
        json.put("phase", row.phase().name());
        row.ratios().forEach((anchor, r) -> {
            Map<String, Object> ratio = new LinkedHashMap<>();
            ratio.put("throughput", finite(r.throughput()));
            ratio.put("p50", finite(r.p50()));
            ratio.put("p99", finite(r.p99()));
            ratio.put("cpu_per_request", finite(r.cpu()));
            json.put(anchor, ratio);
        });
        return json;
    }

    private static Double finite(double x) {
        return Double.isFinite(x) ? x : null;
    }

    static String num(double x, int decimals) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%." + decimals + "f", x) : "–";
    }

    static String count(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%,.0f", x) : "–";
    }

    static String percent(double share) {
        return Double.isFinite(share) ? String.format(Locale.ROOT, "%.0f %%", 100 * share) : "–";
    }
}
