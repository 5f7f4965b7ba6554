package io.causalkv.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A small HTTP client for tests: any method, with or without a body, 10 s bound per call. */
public final class Http {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private Http() {
    }

    /** An answer: status, the Content-Type and Allow headers, and the body text. */
    public record Reply(int status, String contentType, String allow, String body) {
        public JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("body is not JSON: " + body, e);
            }
        }
    }

    public static Reply send(String method, String url) {
        return send(method, url, (byte[]) null, null);
    }

    public static Reply send(String method, String url, String body) {
        return send(method, url, body.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    public static Reply send(String method, String url, byte[] body, String contentType) {
        return send(method, url, body, contentType, java.util.Map.of());
    }

    /** With extra request headers (a peer's token, relay headers a client tries to forge). */
    public static Reply send(String method, String url, String body, java.util.Map<String, String> headers) {
        return send(method, url, body.getBytes(StandardCharsets.UTF_8), "application/json", headers);
    }

    public static Reply send(String method, String url, byte[] body, String contentType, java.util.Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        headers.forEach(request::header);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<String> response;
            try {
                response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException stale) {
                // The pool may hand out a keep-alive connection the server has just closed (after a
                // 413 it cannot reuse the connection); the request never reached the server. Once.
                if (!String.valueOf(stale.getMessage()).contains("received no bytes")) {
                    throw stale;
                }
                response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            }
            return new Reply(response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""),
                    response.headers().firstValue("Allow").orElse(null),
                    response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }
}
