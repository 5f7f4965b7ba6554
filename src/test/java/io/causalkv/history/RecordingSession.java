package io.causalkv.history;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalkv.history.Op.Kind;
import io.causalkv.history.Op.Outcome;
import io.causalkv.testing.Http;

/**
 * A {@code kvs} client session that records every operation in a {@link History}: it carries its
 * causal metadata from one answer to the next (API.md 4.4) and writes values no other session
 * writes ({@code <session>-<n>}). A 503 is recorded like any answer; the session does not retry.
 */
public final class RecordingSession {

    private static final String UNMET_DEPENDENCIES = "Causal dependencies not satisfied";

    private final String id;
    private final History history;
    private final boolean oneShard;
    private String metadata = "null";
    private int index;
    private int written;

    /**
     * @param oneShard whether every node owns every key; then a write's 503 for unmet
     *        dependencies is the contacted node's own refusal (definitely not applied). With
     *        several shards it may be a relay's answer after another member timed out, so it is
     *        indeterminate.
     */
    public RecordingSession(String id, History history, boolean oneShard) {
        this.id = id;
        this.history = history;
        this.oneShard = oneShard;
    }

    public String id() {
        return id;
    }

    public String metadata() {
        return metadata;
    }

    public Op put(String node, String key) {
        String value = id + "-" + (++written);
        return send(Kind.PUT, node, key, value, "{\"value\":\"" + value + "\",\"causal-metadata\":" + metadata + "}");
    }

    public Op get(String node, String key) {
        return send(Kind.GET, node, key, null, "{\"causal-metadata\":" + metadata + "}");
    }

    public Op delete(String node, String key) {
        return send(Kind.DELETE, node, key, null, "{\"causal-metadata\":" + metadata + "}");
    }

    private Op send(Kind kind, String node, String key, String value, String body) {
        String sent = metadata;
        long invoked = history.now();
        int status;
        String text;
        try {
            Http.Reply reply = Http.send(kind.name(), "http://" + node + "/kvs/" + key, body);
            status = reply.status();
            text = reply.body();
        } catch (RuntimeException e) {
            status = -1;
            text = String.valueOf(e.getMessage());
        }
        long completed = history.now();
        JsonNode json = parse(text);
        if (json != null && json.has("causal-metadata") && (status == 200 || status == 201 || status == 404)) {
            metadata = json.get("causal-metadata").toString();
        }
        String read = value;
        if (kind == Kind.GET && status == 200 && json != null && json.has("value")) {
            JsonNode v = json.get("value");
            read = v.isTextual() ? v.asText() : v.toString();
        }
        Op op = new Op(id, index++, kind, key, read, node, invoked, completed, status,
                outcome(kind, status, text), sent, metadata);
        history.add(op);
        return op;
    }

    private Outcome outcome(Kind kind, int status, String body) {
        if (status == 200 || status == 201) {
            return Outcome.OK;
        }
        if (status == 404 && kind != Kind.PUT) {
            return Outcome.NOT_FOUND;
        }
        if (kind == Kind.GET) {
            return Outcome.FAILED;
        }
        if (status >= 400 && status < 500) {
            return Outcome.FAILED;
        }
        if (status == 503 && oneShard && body.contains(UNMET_DEPENDENCIES)) {
            return Outcome.FAILED;
        }
        return Outcome.INDETERMINATE;
    }

    private static JsonNode parse(String text) {
        try {
            return Http.json(text);
        } catch (AssertionError e) {
            return null;
        }
    }
}
