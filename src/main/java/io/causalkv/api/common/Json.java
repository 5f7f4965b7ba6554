package io.causalkv.api.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causalkv.wire.Wire;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The one JSON configuration of the API, and small helpers to build JSON responses. */
public final class Json {

    /** The one mapper (see {@link Wire#MAPPER}). */
    public static final ObjectMapper MAPPER = Wire.MAPPER;

    private Json() {
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static ObjectNode message(String message) {
        return object().put("message", message);
    }

    public static Response response(int status, ObjectNode body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }

    /** The compact JSON text of a value, as it is stored. */
    public static String compact(JsonNode value) {
        return Wire.compact(value);
    }
}
