package io.causalkv.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One client session against one node, as a real client of a dialect behaves: it sends the
 * causal metadata it last received with every request and keeps what each answer returns.
 */
final class Session {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient client;
    private final String base;
    private final String keyPath;
    private final String field;
    private String metadata = "null";

    Session(HttpClient client, String target, String dialect) {
        this.client = client;
        this.base = "http://" + target;
        this.keyPath = switch (dialect) {
            case "key-value-store" -> "/key-value-store/";
            case "kvs-keys" -> "/kvs/keys/";
            default -> "/kvs/";
        };
        this.field = dialect.equals("kvs-keys") ? "causal-context" : "causal-metadata";
    }

    int put(String key, String valueJson) {
        return send("PUT", keyPath + key, "{\"value\":" + valueJson + ",\"" + field + "\":" + metadata + "}");
    }

    int get(String key) {
        return send("GET", keyPath + key, "{\"" + field + "\":" + metadata + "}");
    }

    /** The baseline: the same node's simplest answer, through the same HTTP stack. */
    int hello() {
        return send("GET", "/hello", null);
    }

    private int send(String method, String path, String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .header("Content-Type", "application/json")
                .build();
        try {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (body != null && response.statusCode() < 500) {
                remember(response.body());
            }
            return response.statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    private void remember(byte[] answer) {
        try {
            JsonNode node = MAPPER.readTree(answer).get(field);
            if (node != null) {
                metadata = node.toString();
            }
        } catch (IOException e) {
            // not JSON: keep the metadata we had
        }
    }
}
