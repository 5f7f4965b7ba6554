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
 * The peer traffic of a cluster, summed over its nodes' {@code /metrics}: calls by kind
 * ({@code causalkv_peer_calls_total}) and the writes replication sent. Two snapshots around a
 * phase tell how many peer calls its client requests cost and how many writes a replication
 * batch carried.
 */
record PeerTraffic(Map<String, Double> calls, double replicatedWrites) {

    private static final Pattern CALL = Pattern.compile("(?m)^causalkv_peer_calls_total\\{call=\"([a-z_]+)\"} ([0-9.eE+-]+)$");
    private static final Pattern WRITES = Pattern.compile("(?m)^causalkv_replication_writes_sent_total ([0-9.eE+-]+)$");

    static final PeerTraffic NONE = new PeerTraffic(Map.of(), 0);

    /** The traffic one node's Prometheus text reports (nothing for series it lacks). */
    static PeerTraffic parse(String metrics) {
        Map<String, Double> calls = new TreeMap<>();
        Matcher call = CALL.matcher(metrics);
        while (call.find()) {
            calls.merge(call.group(1), Double.parseDouble(call.group(2)), Double::sum);
        }
        Matcher writes = WRITES.matcher(metrics);
        return new PeerTraffic(calls, writes.find() ? Double.parseDouble(writes.group(1)) : 0);
    }

    /** The sum over the nodes at {@code targets} ({@code host:port}); a node that does not answer adds nothing. */
    static PeerTraffic scrape(HttpClient client, List<String> targets) {
        PeerTraffic total = NONE;
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

    PeerTraffic plus(PeerTraffic other) {
        Map<String, Double> sum = new TreeMap<>(calls);
        other.calls.forEach((call, n) -> sum.merge(call, n, Double::sum));
        return new PeerTraffic(sum, replicatedWrites + other.replicatedWrites);
    }

    /** What happened between {@code earlier} and this snapshot. */
    PeerTraffic since(PeerTraffic earlier) {
        Map<String, Double> delta = new TreeMap<>(calls);
        earlier.calls.forEach((call, n) -> delta.merge(call, -n, Double::sum));
        return new PeerTraffic(delta, replicatedWrites - earlier.replicatedWrites);
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
