package io.causalkv.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalkv.testing.Await;
import io.causalkv.testing.Http;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Keys written through each dialect before the fuzz, and read back through each dialect at
 * every node after it: bad input must never change stored data (API.md 4.1). Every name
 * contains {@code '~'}, which the generators never produce (see {@link PathGenerator}).
 */
final class KeptKeys {

    private static final List<String> VALUES = List.of(
            "\"plain\"", "42", "{\"nested\":[1,{\"a\":null}],\"s\":\"\u00e9\u65e5\"}", "1.50", "true", "[]",
            "123456789012345678901234567890", "\"\"");
    /** Dialect path prefixes and the metadata field each sends back. */
    private static final Map<String, String> DIALECTS = Map.of(
            "/kvs/", "causal-metadata", "/key-value-store/", "causal-metadata", "/kvs/keys/", "causal-context");

    private final Map<String, JsonNode> values = new LinkedHashMap<>();
    private final List<String> metadata = new ArrayList<>();
    private final List<String> prefixes;

    /** {@code prefixes}: the key path families the cluster serves. */
    KeptKeys(List<String> prefixes) {
        this.prefixes = prefixes;
    }

    /** Writes {@code perDialect} keys through each dialect, at nodes in turn ({@code url} of node i). */
    void write(String label, int perDialect, int nodes, IntFunction<String> url) {
        int n = 0;
        for (String prefix : prefixes) {
            for (int i = 0; i < perDialect; i++, n++) {
                String key = "kept~" + label + "-" + prefix.replace("/", "") + "-" + i;
                String value = VALUES.get(n % VALUES.size());
                Http.Reply reply = Http.send("PUT", url.apply(n % nodes) + prefix + key, "{\"value\":" + value + "}");
                assertEquals(201, reply.status(), () -> key + ": " + reply);
                JsonNode context = reply.json().get(DIALECTS.get(prefix));
                if (context != null && context.isObject() && !context.isEmpty()) {
                    metadata.add(context.toString());
                }
                values.put(key, Http.json(value));
            }
        }
    }

    /** Every kept key, through every dialect at every node, has its value: within 5 s (API.md 10.2). */
    void assertUnchanged(int nodes, IntFunction<String> url, Duration within) {
        long start = System.nanoTime();
        for (int node = 0; node < nodes; node++) {
            for (String prefix : prefixes) {
                for (Map.Entry<String, JsonNode> kept : values.entrySet()) {
                    String at = url.apply(node) + prefix + kept.getKey();
                    Http.Reply last = Await.value(Await.remaining(within, start), "GET " + at + " answers " + kept.getValue(),
                            () -> Http.send("GET", at), reply -> reply.status() == 200);
                    assertEquals(kept.getValue(), last.json().get("value"), () -> "GET " + at + ": " + last);
                }
            }
        }
    }

    /** Metadata the writes returned, for the generator to mutate. */
    List<String> metadata() {
        return metadata;
    }

    int size() {
        return values.size();
    }
}
