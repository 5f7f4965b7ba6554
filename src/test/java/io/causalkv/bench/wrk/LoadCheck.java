package io.causalkv.bench.wrk;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Whether a load wrote every key: its own count (a 2xx answer per key, none given up), then a
 * read-back of a sample of keys (the first, the last, and evenly spread ones) through one server,
 * each retried until a deadline (a replica may take a moment to hold a write it did not take).
 */
final class LoadCheck {

    static final int SAMPLE = 50;
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    /** What the check found; {@code complete} when every key was written and every sampled key read back. */
    record Outcome(String group, long keys, long written, long unwritten, int sampled, int found) {

        boolean complete() {
            return written == keys && unwritten == 0 && found == sampled;
        }

        String describe() {
            return String.format("%s load: %d of %d keys answered 2xx, %d given up; %d of %d sampled keys read back: %s",
                    group, written, keys, unwritten, found, sampled, complete() ? "complete" : "INCOMPLETE");
        }
    }

    private LoadCheck() {
    }

    static Outcome check(String group, WrkResult load, int keys, String dialect, String target)
            throws InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Set<Integer> sample = new LinkedHashSet<>();
        sample.add(1);
        sample.add(keys);
        for (int i = 0; sample.size() < Math.min(SAMPLE, keys); i++) {
            sample.add(1 + (int) ((long) i * keys / SAMPLE) % keys);
        }
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        int found = 0;
        for (int key : sample) {
            if (System.nanoTime() > deadline) {
                break; // the keys not asked count as missing: the load is reported incomplete
            }
            while (true) {
                if (exists(client, request(dialect, target, "key" + key))) {
                    found++;
                    break;
                }
                if (System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(100);
            }
        }
        return new Outcome(group, keys, load.succeeded(), load.unwritten(), sample.size(), found);
    }

    /** A read of {@code key} as session.lua's dialects read, with no causal metadata. */
    static HttpRequest request(String dialect, String target, String key) {
        String base = "http://" + target;
        HttpRequest.Builder builder = HttpRequest.newBuilder().timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json");
        return switch (dialect) {
            case "etcd" -> builder.uri(URI.create(base + "/v3/kv/range")).POST(HttpRequest.BodyPublishers.ofString(
                    "{\"key\":\"" + Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8))
                            + "\",\"count_only\":true}")).build();
            case "map" -> builder.uri(URI.create(base + "/kvs/" + key)).GET().build();
            case "key-value-store" -> builder.uri(URI.create(base + "/key-value-store/" + key))
                    .method("GET", HttpRequest.BodyPublishers.ofString("{\"causal-metadata\":null}")).build();
            case "kvs-keys" -> builder.uri(URI.create(base + "/kvs/keys/" + key))
                    .method("GET", HttpRequest.BodyPublishers.ofString("{\"causal-context\":null}")).build();
            default -> builder.uri(URI.create(base + "/kvs/" + key))
                    .method("GET", HttpRequest.BodyPublishers.ofString("{\"causal-metadata\":null}")).build();
        };
    }

    private static boolean exists(HttpClient client, HttpRequest request) throws InterruptedException {
        try {
            HttpResponse<String> answer = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (request.uri().getPath().startsWith("/v3/")) {
                return answer.statusCode() == 200 && answer.body().contains("\"count\":\"1\"");
            }
            return answer.statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }
}
