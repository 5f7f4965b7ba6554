package io.causalkv.api.common;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * A request body read as JSON whatever its Content-Type (API.md 4.1): missing (absent, empty or
 * whitespace), malformed (not JSON, or not an object), or an object. Reading stops past the
 * size limit, so an oversized body never sits in memory whole.
 */
public final class RequestBody {

    /** Largest accepted body (API.md 4.1). */
    public static final int MAX_BYTES = 1024 * 1024;

    public enum Kind { MISSING, MALFORMED, OBJECT }

    private static final RequestBody MISSING = new RequestBody(Kind.MISSING, null, new byte[0]);

    private final Kind kind;
    private final ObjectNode object;
    private final byte[] raw;

    private RequestBody(Kind kind, ObjectNode object, byte[] raw) {
        this.kind = kind;
        this.object = object;
        this.raw = raw;
    }

    /**
     * Reads and classifies a body.
     *
     * @throws BodyTooLargeException when the body is larger than {@link #MAX_BYTES}
     */
    public static RequestBody read(InputStream in) {
        return read(in, MAX_BYTES);
    }

    /** Like {@link #read(InputStream)}, with another limit (peer messages have their own). */
    public static RequestBody read(InputStream in, int maxBytes) {
        try (in) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new BodyTooLargeException();
            }
            return parse(bytes);
        } catch (IOException e) {
            // The client went away or sent a broken chunked body: there is no readable JSON.
            return unreadable();
        }
    }

    /** A body that could not be read (the client went away, a broken chunked body): no JSON in it. */
    public static RequestBody unreadable() {
        return new RequestBody(Kind.MALFORMED, null, new byte[0]);
    }

    /** Classifies a body already read. */
    public static RequestBody parse(byte[] raw) {
        if (isBlank(raw)) {
            return raw.length == 0 ? MISSING : new RequestBody(Kind.MISSING, null, raw);
        }
        try {
            JsonNode tree = Json.MAPPER.readTree(raw);
            return tree instanceof ObjectNode object
                    ? new RequestBody(Kind.OBJECT, object, raw)
                    : new RequestBody(Kind.MALFORMED, null, raw);
        } catch (JacksonException e) {
            return new RequestBody(Kind.MALFORMED, null, raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Kind kind() {
        return kind;
    }

    public boolean isMalformed() {
        return kind == Kind.MALFORMED;
    }

    /** The parsed object; empty unless {@link #kind()} is {@code OBJECT}. */
    public Optional<ObjectNode> object() {
        return Optional.ofNullable(object);
    }

    /** The bytes as received, for relaying them unchanged. */
    public byte[] raw() {
        return raw;
    }

    /** A field of the object that is present and not JSON null. */
    public Optional<JsonNode> field(String name) {
        return object().map(o -> o.get(name)).filter(node -> !node.isNull());
    }

    private static boolean isBlank(byte[] raw) {
        for (byte b : raw) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /** The body exceeds {@link #MAX_BYTES}; rendered as 413 in the dialect's error family. */
    public static final class BodyTooLargeException extends RuntimeException {
        public BodyTooLargeException() {
            super("request body too large", null, false, false);
        }
    }
}
