package io.causalkv.bench.wrk;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One client session of {@link SessionGenerator}: the requests of one connection and what it
 * does with their answers, as {@code src/test/wrk/session.lua} does for one wrk thread (the two
 * are kept alike: same modes, dialects, requests and counts). A causalkv session sends the causal
 * metadata it last received with every request and keeps what each answer returns, as real
 * clients of the dialect do. Not thread-safe: one per connection, used by its selector thread.
 *
 * <p>Modes: hello ({@code GET /hello}), get, put, mixed ({@code reads} = the share of GETs), load
 * (keys {@code id + 1}, {@code id + 1 + sessions}, ... each written once: a key counts as written
 * on a 2xx answer; a refused write is tried again, up to {@link #LOAD_ATTEMPTS} times, then counted
 * as unwritten). Dialects: kvs, key-value-store, kvs-keys, map (the bare anchor: no metadata),
 * etcd (v3 JSON gateway: {@code POST /v3/kv/put} and {@code /v3/kv/range}, base64 keys and values).
 */
final class SessionScript {

    static final int LOAD_ATTEMPTS = 3;

    private final String mode;
    private final String dialect;
    private final String host;
    private final int keys;
    private final double reads;
    private final int sessions;
    private final String value;
    private final String etcdValue;
    private final String field;
    private final String path;
    private final SplittableRandom random;
    private final byte[] hello;
    private final Map<Integer, Long> statuses = new TreeMap<>();
    private String metadata = "null";
    private int nextKey;
    private int attempts;
    private boolean lastRead;
    private long misses;
    private long unwritten;

    /**
     * @param id this session's number (0 to {@code sessions - 1}): which keys a load writes, and its random seed
     * @param host the Host header's value
     */
    SessionScript(int id, int sessions, String host, String mode, String dialect, int keys, int valueSize, double reads,
            long seed) {
        this.mode = mode;
        this.dialect = dialect;
        this.host = host;
        this.keys = keys;
        this.reads = reads;
        this.sessions = sessions;
        this.value = "v".repeat(valueSize);
        this.etcdValue = base64(value);
        this.field = dialect.equals("kvs-keys") ? "causal-context" : "causal-metadata";
        this.path = switch (dialect) {
            case "key-value-store" -> "/key-value-store/";
            case "kvs-keys" -> "/kvs/keys/";
            default -> "/kvs/";
        };
        this.random = new SplittableRandom(seed + id * 7919L);
        this.nextKey = id + 1;
        this.hello = format("GET", "/hello", null);
    }

    /** The next request to send, whole. */
    byte[] request() {
        if (mode.equals("hello")) {
            lastRead = false;
            return hello;
        }
        if (mode.equals("load")) {
            lastRead = false;
            return keyRequest(true, nextKey);
        }
        boolean write = mode.equals("put") || (mode.equals("mixed") && random.nextDouble() >= reads);
        lastRead = !write;
        return keyRequest(write, 1 + random.nextInt(keys));
    }

    /** The answer to the last request: counts it, and keeps the metadata it carries. */
    void answered(int status, String body) {
        statuses.merge(status, 1L, Long::sum);
        if (mode.equals("hello")) {
            return;
        }
        if (!dialect.equals("etcd") && !dialect.equals("map") && status < 500 && body != null) {
            String carried = metadataIn(body, field);
            if (carried != null) {
                metadata = carried;
            }
        }
        if (lastRead && (status == 404 || (dialect.equals("etcd") && status == 200 && !body.contains("\"kvs\"")))) {
            misses++;
        }
        if (mode.equals("load")) {
            loaded(status);
        }
    }

    /** Whether this session has nothing more to send (a load that wrote its share). */
    boolean done() {
        return mode.equals("load") && nextKey > keys;
    }

    /** Whether the answers' bodies matter (read as text): not for hello. */
    boolean readsBodies() {
        return !mode.equals("hello");
    }

    Map<Integer, Long> statuses() {
        return statuses;
    }

    long misses() {
        return misses;
    }

    long unwritten() {
        return unwritten;
    }

    String metadata() {
        return metadata;
    }

    private void loaded(int status) {
        attempts++;
        boolean ok = status >= 200 && status < 300;
        if (ok || attempts >= LOAD_ATTEMPTS) {
            if (!ok) {
                unwritten++;
            }
            attempts = 0;
            nextKey += sessions;
        }
    }

    private byte[] keyRequest(boolean write, int i) {
        if (dialect.equals("etcd")) {
            String key = base64("key" + i);
            return write ? format("POST", "/v3/kv/put", "{\"key\":\"" + key + "\",\"value\":\"" + etcdValue + "\"}")
                    : format("POST", "/v3/kv/range", "{\"key\":\"" + key + "\"}");
        }
        String body;
        if (dialect.equals("map")) {
            body = write ? "{\"value\":\"" + value + "\"}" : null;
        } else if (write) {
            body = "{\"value\":\"" + value + "\",\"" + field + "\":" + metadata + "}";
        } else {
            body = "{\"" + field + "\":" + metadata + "}";
        }
        return format(write ? "PUT" : "GET", path + "key" + i, body);
    }

    /**
     * As wrk.format does with session.lua's headers: request line, Host (this connection's
     * target), Content-Type on every request but hello's, Content-Length with a body.
     */
    private byte[] format(String method, String target, String body) {
        StringBuilder request = new StringBuilder(160 + (body == null ? 0 : body.length()));
        request.append(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
        if (!mode.equals("hello")) {
            request.append("Content-Type: application/json\r\n");
        }
        if (body != null) {
            request.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n\r\n")
                    .append(body);
        } else {
            request.append("\r\n");
        }
        return request.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The object after {@code "field":} in an answer, braces balanced (session.lua's {@code %b{}}):
     * the metadata the next request carries; null if there is none.
     */
    static String metadataIn(String body, String field) {
        String label = "\"" + field + "\":";
        for (int at = body.indexOf(label); at >= 0; at = body.indexOf(label, at + 1)) {
            int start = at + label.length();
            if (start >= body.length() || body.charAt(start) != '{') {
                continue; // as Lua's string.match, the next occurrence may match
            }
            int depth = 0;
            for (int i = start; i < body.length(); i++) {
                char c = body.charAt(i);
                if (c == '{') {
                    depth++;
                } else if (c == '}' && --depth == 0) {
                    return body.substring(start, i + 1);
                }
            }
            return null;
        }
        return null;
    }
}
