package io.causalkv.bench.wrk;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A reshard of a loaded, running cluster (issue 19: 100k keys from 2 to 3 shards in at most
 * 3 s): {@code PUT /shard/reshard}, timed to its answer (API.md: once the new layout is
 * committed) and until the new shards' key counts add up to every key (the move done). Used by
 * {@code bin/bench} on real nodes and by {@code ReshardBench} on in-process ones.
 */
public final class ReshardRun {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    /** @param counted the keys the new shards counted when the run ended (every key once settled) */
    public record Outcome(int keys, int to, double answeredSeconds, double settledSeconds, long counted) {

        public boolean settled() {
            return counted == keys;
        }

        public String describe() {
            return String.format(java.util.Locale.ROOT, "reshard of %,d keys to %d shards: answered after %.2f s; %s", keys,
                    to, answeredSeconds, settled() ? String.format(java.util.Locale.ROOT,
                            "the new shards counted every key after %.2f s", settledSeconds)
                            : "the new shards counted " + counted + " keys by the deadline (" + DEADLINE.toSeconds() + " s)");
        }
    }

    private ReshardRun() {
    }

    /** {@code target}: host:port of the node asked; {@code keys}: what the new shards must count in all. */
    public static Outcome run(HttpClient client, String target, int keys, int to) throws IOException, InterruptedException {
        long started = System.nanoTime();
        HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://" + target + "/shard/reshard"))
                .timeout(DEADLINE).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"shard-count\":" + to + "}")).build(),
                HttpResponse.BodyHandlers.ofString());
        double answered = (System.nanoTime() - started) / 1e9;
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("the reshard answered " + answer.statusCode() + " " + answer.body());
        }
        long deadline = started + DEADLINE.toNanos();
        long counted = -1;
        while (System.nanoTime() < deadline) {
            counted = counted(client, target, to);
            if (counted == keys) {
                break;
            }
            Thread.sleep(50);
        }
        return new Outcome(keys, to, answered, (System.nanoTime() - started) / 1e9, counted);
    }

    private static final java.util.regex.Pattern KEY_COUNT = java.util.regex.Pattern.compile("\"shard-key-count\":(\\d+)");

    /** The keys counted by shards 1 to {@code shards}; -1 if one of them does not answer. */
    private static long counted(HttpClient client, String target, int shards) throws InterruptedException {
        long total = 0;
        for (int shard = 1; shard <= shards; shard++) {
            try {
                HttpResponse<String> answer = client.send(HttpRequest.newBuilder(
                        URI.create("http://" + target + "/shard/key-count/" + shard)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                java.util.regex.Matcher m = KEY_COUNT.matcher(answer.body());
                if (answer.statusCode() != 200 || !m.find()) {
                    return -1;
                }
                total += Long.parseLong(m.group(1));
            } catch (IOException e) {
                return -1;
            }
        }
        return total;
    }
}
