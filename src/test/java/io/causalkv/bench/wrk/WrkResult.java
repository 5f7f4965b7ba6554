package io.causalkv.bench.wrk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one wrk run measured: the {@code wrk-result {json}} line of {@code src/test/wrk/session.lua}
 * ({@link #parse}), or wrk's own report when it ran with no script and {@code --latency}
 * ({@link #parsePlain}; no p99.9 there, and answers are only told apart as 2xx/3xx or not).
 *
 * @param statuses answers by HTTP status ("2xx" and "other" for a plain run)
 * @param errors wrk's socket errors (connect, read, write, timeout) and its count of statuses above 399
 * @param misses reads that found no value (session.lua only)
 * @param unwritten keys a load gave up on after refused writes (session.lua only)
 * @param latency in µs; NaN where the run does not tell
 */
public record WrkResult(long requests, long durationMicros, long bytes, Map<String, Long> errors,
                        Map<String, Long> statuses, long misses, long unwritten, Latency latency) {

    public static final String PREFIX = "wrk-result ";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Latencies in µs. */
    public record Latency(double mean, double p50, double p90, double p99, double p999, double max) {
    }

    /** The result line of session.lua's {@code done()} in wrk's output. */
    public static WrkResult parse(String output) {
        String line = output.lines().filter(l -> l.startsWith(PREFIX)).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalArgumentException("no '" + PREFIX.trim() + "' line in wrk's output:\n" + output));
        JsonNode json;
        try {
            json = JSON.readTree(line.substring(PREFIX.length()));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("unreadable wrk-result line: " + line, e);
        }
        Map<String, Long> errors = new TreeMap<>();
        json.path("errors").fields().forEachRemaining(e -> errors.put(e.getKey(), e.getValue().asLong()));
        Map<String, Long> statuses = new TreeMap<>();
        json.path("statuses").fields().forEachRemaining(e -> statuses.put(e.getKey(), e.getValue().asLong()));
        JsonNode l = json.path("latency_us");
        return new WrkResult(json.path("requests").asLong(), json.path("duration_us").asLong(),
                json.path("bytes").asLong(), errors, statuses, json.path("misses").asLong(),
                json.path("unwritten").asLong(), new Latency(l.path("mean").asDouble(Double.NaN),
                        l.path("p50").asDouble(Double.NaN), l.path("p90").asDouble(Double.NaN),
                        l.path("p99").asDouble(Double.NaN), l.path("p999").asDouble(Double.NaN),
                        l.path("max").asDouble(Double.NaN)));
    }

    private static final Pattern REQUESTS = Pattern.compile("(?m)^\\s*(\\d+) requests in ([0-9.]+)(us|ms|s|m|h), ([0-9.]+)(B|KB|MB|GB|TB|PB) read");
    private static final Pattern RATE = Pattern.compile("(?m)^Requests/sec:\\s+([0-9.]+)");
    private static final Pattern NON_2XX = Pattern.compile("(?m)^\\s*Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET = Pattern.compile(
            "(?m)^\\s*Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");
    private static final Pattern PERCENTILE = Pattern.compile("(?m)^\\s+(50|75|90|99)%\\s+([0-9.]+)(us|ms|s|m|h)\\s*$");
    private static final Pattern MEAN_MAX = Pattern.compile(
            "(?m)^\\s+Latency\\s+([0-9.]+)(us|ms|s|m|h)\\s+[0-9.]+(?:us|ms|s|m|h)\\s+([0-9.]+)(us|ms|s|m|h)");

    /** wrk's own report of a run with no script, with {@code --latency}. */
    public static WrkResult parsePlain(String output) {
        Matcher requests = find(REQUESTS, output);
        Matcher rate = find(RATE, output);
        long count = Long.parseLong(requests.group(1));
        double perSecond = Double.parseDouble(rate.group(1));
        long durationMicros = perSecond > 0 ? Math.round(count / perSecond * 1e6)
                : Math.round(micros(requests.group(2), requests.group(3)));
        long other = Optional.of(NON_2XX.matcher(output)).filter(Matcher::find).map(m -> Long.parseLong(m.group(1)))
                .orElse(0L);
        Map<String, Long> errors = noErrors(other);
        Matcher socket = SOCKET.matcher(output);
        if (socket.find()) {
            errors.put("connect", Long.parseLong(socket.group(1)));
            errors.put("read", Long.parseLong(socket.group(2)));
            errors.put("write", Long.parseLong(socket.group(3)));
            errors.put("timeout", Long.parseLong(socket.group(4)));
        }
        Map<String, Long> statuses = new TreeMap<>();
        statuses.put("2xx", count - other);
        if (other > 0) {
            statuses.put("other", other);
        }
        Map<String, Double> percentiles = new TreeMap<>();
        Matcher p = PERCENTILE.matcher(output);
        while (p.find()) {
            percentiles.put(p.group(1), micros(p.group(2), p.group(3)));
        }
        Matcher meanMax = MEAN_MAX.matcher(output);
        boolean hasMeanMax = meanMax.find();
        return new WrkResult(count, durationMicros, Math.round(bytes(requests.group(4), requests.group(5))), errors,
                statuses, 0, 0, new Latency(
                        hasMeanMax ? micros(meanMax.group(1), meanMax.group(2)) : Double.NaN,
                        percentiles.getOrDefault("50", Double.NaN), percentiles.getOrDefault("90", Double.NaN),
                        percentiles.getOrDefault("99", Double.NaN), Double.NaN,
                        hasMeanMax ? micros(meanMax.group(3), meanMax.group(4)) : Double.NaN));
    }

    private static Matcher find(Pattern pattern, String output) {
        Matcher m = pattern.matcher(output);
        if (!m.find()) {
            throw new IllegalArgumentException("wrk's output has no match for " + pattern + ":\n" + output);
        }
        return m;
    }

    /** wrk's time units (format_time in wrk's units.c). */
    static double micros(String number, String unit) {
        double n = Double.parseDouble(number);
        return switch (unit) {
            case "us" -> n;
            case "ms" -> n * 1e3;
            case "s" -> n * 1e6;
            case "m" -> n * 60e6;
            case "h" -> n * 3600e6;
            default -> throw new IllegalArgumentException("unknown time unit " + unit);
        };
    }

    private static double bytes(String number, String unit) {
        int power = java.util.List.of("B", "KB", "MB", "GB", "TB", "PB").indexOf(unit);
        return Double.parseDouble(number) * Math.pow(1024, power);
    }

    public double seconds() {
        return durationMicros / 1e6;
    }

    public double requestsPerSecond() {
        return durationMicros == 0 ? 0 : requests / seconds();
    }

    /** The error kinds a run counts (those {@link #socketErrors} sums, and non-2xx statuses), none yet. */
    static Map<String, Long> noErrors(long statuses) {
        return new TreeMap<>(Map.of("connect", 0L, "read", 0L, "write", 0L, "timeout", 0L, "status", statuses));
    }

    /** Connections refused, broken or timed out (wrk's socket errors). */
    public long socketErrors() {
        return errors.getOrDefault("connect", 0L) + errors.getOrDefault("read", 0L) + errors.getOrDefault("write", 0L)
                + errors.getOrDefault("timeout", 0L);
    }

    /** Answers with a status out of 2xx, by status. */
    public Map<String, Long> failedStatuses() {
        Map<String, Long> failed = new TreeMap<>();
        statuses.forEach((status, n) -> {
            if (!status.startsWith("2") && n > 0) {
                failed.put(status, n);
            }
        });
        return failed;
    }

    /** Answers with a 2xx status. */
    public long succeeded() {
        return statuses.entrySet().stream().filter(e -> e.getKey().startsWith("2")).mapToLong(Map.Entry::getValue).sum();
    }

    /** Non-2xx answers by status and socket errors ("socket"): empty when every request succeeded. */
    public Map<String, Long> errorsByKind() {
        Map<String, Long> all = new TreeMap<>(failedStatuses());
        if (socketErrors() > 0) {
            all.put("socket", socketErrors());
        }
        return all;
    }
}
