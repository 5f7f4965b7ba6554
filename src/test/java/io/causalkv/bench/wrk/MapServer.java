package io.causalkv.bench.wrk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The generators' test server (JDK HttpServer on loopback): {@code /hello}, and {@code /kvs/<key>}
 * over a map whose first {@code refusals} writes answer 503. Every kvs answer carries causal
 * metadata that names a session and counts its requests, {@code {"s":id,"c":n}}; a request with
 * metadata {@code null} opens a session. A request whose count is not the last one this server
 * gave its session is a <em>stale</em> request: a client that mixed up its sessions' metadata.
 */
final class MapServer implements AutoCloseable {

    private static final Pattern METADATA = Pattern.compile("\"causal-metadata\":\\{\"s\":(\\d+),\"c\":(\\d+)}");

    final Map<String, String> values = new ConcurrentHashMap<>();
    final AtomicInteger puts = new AtomicInteger();
    final AtomicInteger stale = new AtomicInteger();
    private final Map<Integer, Integer> counts = new ConcurrentHashMap<>();
    private final AtomicInteger nextSession = new AtomicInteger();
    private final AtomicInteger refusals;
    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    private volatile boolean closeEach;
    private volatile long helloDelayMillis;

    MapServer(int refusals) throws IOException {
        this.refusals = new AtomicInteger(refusals);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(pool);
        server.createContext("/kvs/", this::key);
        server.createContext("/hello", exchange -> {
            try {
                Thread.sleep(helloDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(exchange, 200, "{\"message\":\"world\"}");
        });
        server.start();
    }

    /** Every answer from now on says Connection: close (the server then closes each connection). */
    MapServer closingEachConnection() {
        closeEach = true;
        return this;
    }

    /** {@code /hello} answers after this long from now on. */
    MapServer answeringHelloAfter(long millis) {
        helloDelayMillis = millis;
        return this;
    }

    String target() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void key(HttpExchange exchange) throws IOException {
        String key = exchange.getRequestURI().getPath().substring("/kvs/".length());
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        int status;
        if (exchange.getRequestMethod().equals("PUT")) {
            puts.incrementAndGet();
            // the first writes are refused once: a load tries them again
            status = refusals.getAndDecrement() > 0 ? 503 : values.put(key, body) == null ? 201 : 200;
        } else {
            status = values.containsKey(key) ? 200 : 404;
        }
        answer(exchange, status, "{\"causal-metadata\":" + next(body) + "}");
    }

    /** The metadata of the answer: the session's next count (a new session for null). */
    private String next(String body) {
        Matcher m = METADATA.matcher(body);
        int session;
        int count;
        if (m.find()) {
            session = Integer.parseInt(m.group(1));
            count = Integer.parseInt(m.group(2));
            if (counts.get(session) != count) {
                stale.incrementAndGet();
            }
        } else {
            session = nextSession.incrementAndGet();
            count = 0;
        }
        counts.put(session, count + 1);
        return "{\"s\":" + session + ",\"c\":" + (count + 1) + "}";
    }

    private void answer(HttpExchange exchange, int status, String body) throws IOException {
        if (closeEach) {
            exchange.getResponseHeaders().set("Connection", "close");
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    /** How many sessions the server gave out (one per client that came without metadata). */
    int sessions() {
        return nextSession.get();
    }
}
