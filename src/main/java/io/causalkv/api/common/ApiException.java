package io.causalkv.api.common;

import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.ws.rs.core.Response;

/** An answer decided while handling a request (usually an error), rendered by {@link JsonExceptionMapper}. */
public final class ApiException extends RuntimeException {

    private final int status;
    private final ObjectNode body;

    public ApiException(int status, ObjectNode body) {
        super("HTTP " + status, null, false, false);
        this.status = status;
        this.body = body;
    }

    public Response toResponse() {
        return Json.response(status, body);
    }
}
