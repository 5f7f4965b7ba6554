package io.causalkv.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counters of a cluster, summed over its nodes' {@code /metrics}: peer calls by kind
 * ({@code causalkv_peer_calls_total}), the writes replication sent, and the CPU time the node
 * processes used. Two snapshots around a phase tell how many peer calls its client requests
 * cost, how many writes a replication batch carried, and the nodes' CPU time per request, a
 * figure that other load on the machine disturbs far less than throughput.
 */
public record ClusterCounters(Map<String, Double> calls, double replicatedWrites, double cpuSeconds) {

    private static final Pattern CALL = Pattern.compile("(?m)^causalkv_peer_calls_total\\{call=\"([a-z_]+)\"} ([0-9.eE+-]+)$");
    private static final Pattern WRITES = Pattern.compile("(?m)^causalkv_replication_writes_sent_total ([0-9.eE+-]+)$");
    private static final Pattern CPU = Pattern.compile("(?m)^process_cpu_seconds_total ([0-9.eE+-]+)$");

    static final ClusterCounters NONE = new ClusterCounters(Map.of(), 0, 0);

    /** The traffic one node's Prometheus text reports (nothing for series it lacks). */
    static ClusterCounters parse(String metrics) {
        Map<String, Double> calls = new TreeMap<>();
        Matcher call = CALL.matcher(metrics);
        while (call.find()) {
            calls.merge(call.group(1), Double.parseDouble(call.group(2)), Double::sum);
        }
        return new ClusterCounters(calls, single(WRITES, metrics), single(CPU, metrics));
    }

    /** The sum over the nodes at {@code targets} ({@code host:port}); a node that does not answer adds nothing. */
    public static ClusterCounters scrape(HttpClient client, List<String> targets) {
        ClusterCounters total = NONE;
        for (String target : targets) {
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + target + "/metrics"))
                        .timeout(Duration.ofSeconds(5)).build();
                HttpResponse<String> reply = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (reply.statusCode() == 200) {
                    total = total.plus(parse(reply.body()));
                }
            } catch (java.io.IOException e) {
                // counted as nothing: the figures are then a lower bound, and the run says so by its errors
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return total;
            }
        }
        return total;
    }

    private static double single(Pattern series, String metrics) {
        Matcher m = series.matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    ClusterCounters plus(ClusterCounters other) {
        Map<String, Double> sum = new TreeMap<>(calls);
        other.calls.forEach((call, n) -> sum.merge(call, n, Double::sum));
        return new ClusterCounters(sum, replicatedWrites + other.replicatedWrites, cpuSeconds + other.cpuSeconds);
    }

    /** What happened between {@code earlier} and this snapshot. */
    public ClusterCounters since(ClusterCounters earlier) {
        Map<String, Double> delta = new TreeMap<>(calls);
        earlier.calls.forEach((call, n) -> delta.merge(call, -n, Double::sum));
        return new ClusterCounters(delta, replicatedWrites - earlier.replicatedWrites, cpuSeconds - earlier.cpuSeconds);
    }

    double calls(String call) {
        return calls.getOrDefault(call, 0.0);
    }

    /** Writes per replication call: 1 means a peer request per write; more means batching works. */
    double writesPerBatch() {
        double batches = calls("replicate");
        return batches == 0 ? 0 : replicatedWrites / batches;
    }
}
