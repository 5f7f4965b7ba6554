package io.causalkv.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What every answer to bad input must satisfy (API.md 4.1, 4.5): an answer at all, within the
 * read bound; no 5xx but the 503s the contract documents, each with its exact error string and
 * only on the paths that document it; every 4xx/5xx a JSON object with an {@code error} string
 * and {@code Content-Type: application/json}; and nowhere a stack trace or an exception's class
 * name.
 *
 * <p>Two documented exceptions are handled here deliberately: a HEAD answer has no body (RFC
 * 9110), so only its status and headers are checked; and the {@code key-value-store} reshard
 * refusal (API.md 7.4) is the fixed body {@code {"message":"Not enough nodes ..."}}.
 */
final class AnswerOracle {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Documented 503 error strings (API.md 6.3, 6.7, 7.1, 7.4, 8.2, 8.4, 8.5), by the paths that document them. */
    private static final Map<String, Pattern> DOCUMENTED_503 = Map.of(
            "Causal dependencies not satisfied; try again later", Pattern.compile("/(kvs|key-value-store)/[^/]+"),
            "Shard unavailable", Pattern.compile("/(kvs|key-value-store)/[^/]+|/shard/key-count/[^/]*"
                    + "|/key-value-store-shard/shard-id-key-count/[^/]*"),
            "Unable to satisfy request", Pattern.compile("/kvs/keys/[^/]+|/kvs/shards/[^/]+|/kvs/view-change"));
    /** Paths where a GET may be answered 503, so a HEAD (no body to name the reason) may be too. */
    private static final Pattern HEAD_503 = Pattern.compile("/(kvs|key-value-store)/[^/]+|/kvs/keys/[^/]+|/kvs/shards/[^/]+"
            + "|/shard/key-count/[^/]*|/key-value-store-shard/shard-id-key-count/[^/]*");
    private static final JsonNode RESHARD_REFUSAL = json(
            "{\"message\":\"Not enough nodes to provide fault-tolerance with the given shard count!\"}");

    /** Signs of a Java stack trace or exception in an answer. */
    static final List<Pattern> LEAKS = List.of(
            Pattern.compile("\\bat [\\w$]+(\\.[\\w$]+)+\\([\\w$]*\\.java:\\d+\\)"),
            Pattern.compile("\\bat [\\w$.]+\\((Native Method|Unknown Source)\\)"),
            Pattern.compile("Caused by: "),
            Pattern.compile("\\b[a-z]\\w*(\\.[a-z]\\w*)+\\.[A-Z]\\w*(Exception|Error)\\b"),
            Pattern.compile("\\b\\w*Exception\\b"),
            Pattern.compile("\\b(java|javax|jakarta|sun)\\.[a-z]+\\.[A-Z]"),
            Pattern.compile("org\\.(eclipse\\.jetty|glassfish|jvnet)|com\\.fasterxml|io\\.causalkv\\."));

    private AnswerOracle() {
    }

    /** The problem with this exchange, if any. */
    static Optional<String> check(FuzzRequest request, RawClient.Exchange exchange) {
        if (exchange.timedOut()) {
            return Optional.of("no answer within " + RawClient.READ_TIMEOUT_MILLIS + " ms (a hang)");
        }
        Optional<RawAnswer> parsed = RawAnswer.parse(exchange.answer(), request.isHead());
        if (parsed.isEmpty()) {
            if (!request.answerRequired() && exchange.answer().length == 0) {
                return Optional.empty(); // a head cut short may be dropped without an answer
            }
            return Optional.of("no HTTP answer (" + exchange.failure() + "): " + RawClient.preview(exchange.answer(), 300));
        }
        RawAnswer answer = parsed.get();
        Optional<String> leak = leak(request, exchange.answer());
        if (leak.isPresent()) {
            return leak;
        }
        if (answer.status() < 400) {
            return Optional.empty();
        }
        if (request.isHead()) {
            return checkHead(request, answer, exchange.closed());
        }
        return checkError(request, answer);
    }

    private static Optional<String> checkHead(FuzzRequest request, RawAnswer answer, boolean closed) {
        if (answer.body().length > 0 && !(closed && isBadMessageAnswer(answer))) {
            return Optional.of("HEAD answer has a body: " + answer.bodyText());
        }
        if (answer.status() >= 500 && !(answer.status() == 503 && HEAD_503.matcher(request.path()).matches())) {
            return Optional.of("HEAD answered " + answer.status());
        }
        return jsonType(answer);
    }

    private static Optional<String> checkError(FuzzRequest request, RawAnswer answer) {
        if (KNOWN_EMPTY_CONTAINER_ANSWERS && isContainerRefusal(request, answer)) {
            return Optional.empty();
        }
        JsonNode body;
        try {
            body = MAPPER.readTree(answer.body());
        } catch (IOException e) {
            return Optional.of(answer.status() + " with a body that is not JSON: " + answer.bodyText());
        }
        if (body == null || !body.isObject()) {
            return Optional.of(answer.status() + " with a body that is not a JSON object: " + answer.bodyText());
        }
        Optional<String> type = jsonType(answer);
        if (type.isPresent()) {
            return type;
        }
        if (answer.status() == 400 && body.equals(RESHARD_REFUSAL) && request.path().equals("/key-value-store-shard/reshard")) {
            return Optional.empty();
        }
        JsonNode error = body.get("error");
        if (error == null || !error.isTextual()) {
            return Optional.of(answer.status() + " without an \"error\" string: " + answer.bodyText());
        }
        if (answer.status() >= 500) {
            Pattern where = answer.status() == 503 ? DOCUMENTED_503.get(error.asText()) : null;
            if (where == null || !where.matcher(request.path()).matches()) {
                return Optional.of("undocumented " + answer.status() + " on " + request.path() + ": " + answer.bodyText());
            }
        }
        return Optional.empty();
    }

    /** See {@link #isContainerRefusal}: true while those answers are a known, reported limitation. */
    static final boolean KNOWN_EMPTY_CONTAINER_ANSWERS = true;

    /**
     * Two refusals the servlet container makes before the webapp sees the request, for methods
     * its error pages do not serve (Jetty serves them for GET, POST and HEAD only): TRACE (403,
     * Jetty's default security constraint) and any other method on its protected /WEB-INF/ and
     * /META-INF/ (404). Their body is empty. Exactly these, and nothing else, are let through.
     */
    static boolean isContainerRefusal(FuzzRequest request, RawAnswer answer) {
        if (answer.body().length > 0 || Set.of("GET", "POST", "HEAD").contains(request.method())) {
            return false;
        }
        String path = request.path().toUpperCase(Locale.ROOT);
        return (answer.status() == 403 && request.method().equals("TRACE"))
                || (answer.status() == 404 && (path.contains("WEB-INF") || path.contains("META-INF")));
    }

    /**
     * Jetty answers a request its HTTP parser rejects (a URI it will not take, one too long, an
     * unknown version) through the server's error handler with a stand-in request whose method
     * is always GET: the HEAD is forgotten, so the JSON error comes with a body. Jetty then closes
     * the connection, so no client can take that body for its next answer. Only that is accepted.
     */
    private static boolean isBadMessageAnswer(RawAnswer answer) {
        try {
            JsonNode body = MAPPER.readTree(answer.body());
            return answer.status() >= 400 && answer.status() < 500 && body != null && body.path("error").isTextual()
                    && body.size() == 1;
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<String> jsonType(RawAnswer answer) {
        String type = answer.header("content-type").orElse("");
        return type.toLowerCase(Locale.ROOT).startsWith("application/json")
                ? Optional.empty()
                : Optional.of(answer.status() + " with Content-Type \"" + type + "\"");
    }

    /** A leak is a sign in the answer that the request itself did not carry (values are echoed). */
    private static Optional<String> leak(FuzzRequest request, byte[] answer) {
        String text = new String(answer, StandardCharsets.UTF_8);
        String sent = new String(request.head(), StandardCharsets.UTF_8) + new String(request.body(), StandardCharsets.UTF_8);
        for (Pattern sign : LEAKS) {
            var found = sign.matcher(text);
            if (found.find() && !sent.contains(found.group())) {
                return Optional.of("answer leaks \"" + found.group() + "\": " + RawClient.preview(answer, 600));
            }
        }
        return Optional.empty();
    }

    private static JsonNode json(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
