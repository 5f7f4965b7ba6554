package io.causalkv.api.common;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causalkv.jetty.ErrorTexts;
import io.causalkv.node.Dialect;
import io.causalkv.node.Node;
import java.util.Optional;

/** Error bodies in each dialect's family (API.md 4.5). */
public final class ErrorBodies {

    public static final String NOT_FOUND = ErrorTexts.forStatus(404);
    public static final String METHOD_NOT_ALLOWED = ErrorTexts.forStatus(405);
    public static final String MALFORMED_BODY = "Malformed JSON body";
    public static final String BODY_TOO_LARGE = ErrorTexts.forStatus(413);
    public static final String INVALID_KEY = "Invalid key";

    private ErrorBodies() {
    }

    /** {@code {"error":...}}, plus {@code "message":"Error in <METHOD>"} where the dialect has it. */
    public static ObjectNode of(Optional<Dialect> dialect, String error, String method) {
        ObjectNode body = Json.object().put("error", error);
        if (dialect.isPresent() && (dialect.get() == Dialect.KEY_VALUE_STORE || dialect.get() == Dialect.KVS_KEYS)) {
            body.put("message", "Error in " + method);
        }
        return body;
    }

    public static ObjectNode of(Dialect dialect, String error, String method) {
        return of(Optional.of(dialect), error, method);
    }

    /**
     * A generic error (API.md 4.1 to 4.3) on {@code path} in its dialect's family. On a
     * {@code kvs-keys} key path of a replicated cluster it carries {@code causal-context} too,
     * as every key answer there does (8.8); none could be read, so it is empty.
     */
    public static ObjectNode onPath(Node node, String path, String error, String method) {
        ObjectNode body = of(DialectPaths.dialectOf(path, node.config().dialects()), error, method);
        if (DialectPaths.isKvsKeysKeyPath(path, node.config().dialects()) && node.keysReplicated()) {
            body.putObject("causal-context");
        }
        return body;
    }

    /** The 404 for unknown paths, the same in every dialect. */
    public static ObjectNode notFound() {
        return Json.object().put("error", NOT_FOUND);
    }
}
