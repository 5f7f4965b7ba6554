package io.causalkv.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Whole requests: a method (common, odd, or not a token at all), a target ({@link PathGenerator}),
 * an HTTP version, headers (missing, wrong or odd Content-Type and charsets, huge or many headers,
 * bad framing, the peer relay headers), and a body ({@link BodyGenerator}) framed correctly,
 * chunked, cut short or overlong. Request {@code i} of a run depends only on the seed and
 * {@code i}, so any one of them can be generated again from the seed a failure prints.
 */
final class RequestGenerator {

    private final long seed;
    private final int nodes;
    private final List<String> realMetadata;

    RequestGenerator(long seed, int nodes, List<String> realMetadata) {
        this.seed = seed;
        this.nodes = nodes;
        this.realMetadata = List.copyOf(realMetadata);
    }

    FuzzRequest generate(long index) {
        Random random = new Random(seed * 0x9E3779B97F4A7C15L + index);
        return new Assembly(random).build(index);
    }

    /** The state of building one request. */
    private final class Assembly {

        private final Random random;
        private final List<String> headers = new ArrayList<>();

        Assembly(Random random) {
            this.random = random;
        }

        FuzzRequest build(long index) {
            int node = random.nextInt(nodes);
            if (random.nextInt(4) == 0) {
                return plausible(index, node);
            }
            String method = method();
            String target = new PathGenerator(random).next();
            byte[] body = new BodyGenerator(random, realMetadata).next();
            String version = version();
            headers.add("Host: " + (random.nextInt(10) > 0 ? "127.0.0.1" : pick("localhost:1", "[::1]", "", "a b", "é", "x:y:z")));
            contentType(body);
            oddHeaders();
            Framing framing = framing(body);
            boolean headCutShort = random.nextInt(200) == 0;
            if (!headCutShort) {
                headers.add("Connection: close"); // one request per connection: each answer ends at EOF
            }
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            head.writeBytes(PathGenerator.bytes(method + " " + target + version + "\r\n"));
            for (String header : headers) {
                head.writeBytes(header.getBytes(StandardCharsets.UTF_8));
                head.writeBytes(new byte[] {'\r', '\n'});
            }
            if (headCutShort) {
                return new FuzzRequest(index, node, method, target, head.toByteArray(), new byte[0], true, false);
            }
            head.writeBytes(new byte[] {'\r', '\n'});
            return new FuzzRequest(index, node, method, target, head.toByteArray(), framing.wire, framing.halfClose, true);
        }

        /**
         * A well-formed key request whose only fault is in its JSON: wrong types, metadata from the
         * future or mangled, huge numbers. These reach the store, routing and causal checks.
         */
        private FuzzRequest plausible(long index, int node) {
            String method = pick("PUT", "PUT", "GET", "DELETE");
            PathGenerator paths = new PathGenerator(random);
            String target = pick("/kvs/", "/key-value-store/", "/kvs/keys/") + paths.plainKey();
            BodyGenerator bodies = new BodyGenerator(random, realMetadata);
            String field = pick("causal-metadata", "causal-context");
            String json = random.nextInt(3) == 0 ? bodies.object()
                    : "{\"value\":" + bodies.value(2) + ",\"" + field + "\":" + bodies.metadata() + "}";
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            String head = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
            return new FuzzRequest(index, node, method, target, head.getBytes(StandardCharsets.UTF_8), body, false, true);
        }

        private String method() {
            int roll = random.nextInt(100);
            if (roll < 25) {
                return "GET";
            }
            if (roll < 50) {
                return "PUT";
            }
            if (roll < 60) {
                return "DELETE";
            }
            if (roll < 68) {
                return "POST";
            }
            if (roll < 74) {
                return "HEAD";
            }
            if (roll < 79) {
                return "OPTIONS";
            }
            if (roll < 84) {
                return "PATCH";
            }
            if (roll < 87) {
                return "TRACE";
            }
            return pick("CONNECT", "get", "Put", "PROPFIND", "MKCOL", "BREW", "M-SEARCH", "FOO", "X", "GETT",
                    "G(ET", "GE T", "\u00c9GET", "DELETE\u0000", "A".repeat(300), "A".repeat(9_000), "-", "PUT!");
        }

        private String version() {
            int roll = random.nextInt(100);
            if (roll < 92) {
                return " HTTP/1.1";
            }
            if (roll < 96) {
                return " HTTP/1.0";
            }
            return pick("", " HTTP/2.0", " HTTP/1.2", " HTTP/9.9", " http/1.1", " HTTX/1.1", " HTTP/1.1 extra", "  HTTP/1.1",
                    " HTTP/1", " HTTP/");
        }

        private void contentType(byte[] body) {
            int roll = random.nextInt(100);
            if (roll < 30 && body.length == 0) {
                return;
            }
            if (roll < 55) {
                headers.add("Content-Type: application/json");
                return;
            }
            if (roll < 65) {
                return;
            }
            headers.add("Content-Type: " + pick("text/plain", "application/json; charset=utf-8", "application/json; charset=UTF-16",
                    "application/json; charset=nonsense", "application/json; charset=\"", "application/json;;;",
                    "application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=x",
                    "application/xml", "text/html", "*/*", "", "garbage", "/", "application/", "application/json; q=x",
                    "application/json\u00e9", "image/png", "application/octet-stream"));
        }

        private void oddHeaders() {
            if (random.nextInt(8) == 0) {
                headers.add("Accept: " + pick("text/html", "application/xml", "*/*", "garbage", "text/plain;q=0",
                        "application/json;q=0", "image/*"));
            }
            if (random.nextInt(12) == 0) {
                headers.add(pick("X-Causalkv-Hops", "X-Causalkv-Budget-Ms") + ": "
                        + pick("0", "1", "2", "3", "-1", "-2147483648", "2147483647", "99999999999", "abc", "", "1.5"));
            }
            if (random.nextInt(30) == 0) {
                headers.add("Expect: " + pick("100-continue", "nonsense", "100-continue, 200-ok"));
            }
            if (random.nextInt(40) == 0) {
                headers.add("X-Big: " + "b".repeat(pick(4_000, 9_000, 40_000, 100_000)));
            }
            if (random.nextInt(60) == 0) {
                int many = pick(100, 1_000);
                for (int i = 0; i < many; i++) {
                    headers.add("X-Many-" + i + ": " + i);
                }
            }
            if (random.nextInt(40) == 0) {
                headers.add(pick("NoColonHeader", " Folded: x", "Bad Name: x", ": empty-name", "X-Bin: \u00e9\u0001",
                        "X-Null: a\u0000b", "Content-Encoding: gzip", "Content-Encoding: nonsense", "Range: bytes=0-1",
                        "If-None-Match: *", "Upgrade: h2c", "Authorization: Basic %%%", "Cookie: =;;=",
                        "Origin: http://evil.example", "X-HTTP-Method-Override: DELETE",
                        "Content-Type: application/json", "Host: second"));
            }
        }

        private Framing framing(byte[] body) {
            int roll = random.nextInt(100);
            if (body.length == 0) {
                if (roll < 50) {
                    return new Framing(body, false);
                }
                String declared = pick("0", "0", "00", "-1", "abc", "5");
                headers.add("Content-Length: " + declared);
                return new Framing(body, declared.equals("5")); // 5 promised, none sent: our EOF ends it
            }
            if (roll < 80) {
                headers.add("Content-Length: " + body.length);
                return new Framing(body, false);
            }
            if (roll < 88) {
                headers.add("Transfer-Encoding: " + pick("chunked", "chunked", "gzip, chunked", "identity, chunked"));
                return new Framing(chunked(body), false);
            }
            if (roll < 92) {
                // Cut short: the declared length is more than we send; our EOF ends the body.
                headers.add("Content-Length: " + (body.length + 1 + random.nextInt(1_000)));
                return new Framing(body, true);
            }
            if (roll < 95) {
                headers.add("Content-Length: " + random.nextInt(body.length));
                return new Framing(body, false);
            }
            if (roll < 97) {
                headers.add("Content-Length: " + body.length);
                headers.add("Content-Length: " + pick(Integer.toString(body.length), Integer.toString(body.length + 1), "0"));
                return new Framing(body, false);
            }
            if (roll < 98) {
                headers.add("Content-Length: " + body.length);
                headers.add("Transfer-Encoding: chunked");
                return new Framing(chunked(body), false);
            }
            if (roll < 99) {
                headers.add("Transfer-Encoding: chunked");
                return new Framing(badChunks(body), true);
            }
            return new Framing(body, true); // no framing at all: the body is the next "request"
        }

        private byte[] chunked(byte[] body) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = 0;
            while (at < body.length) {
                int size = Math.min(body.length - at, 1 + random.nextInt(256 * 1024));
                out.writeBytes((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(body, at, size);
                out.writeBytes(new byte[] {'\r', '\n'});
                at += size;
            }
            out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            return out.toByteArray();
        }

        private byte[] badChunks(byte[] body) {
            String size = pick("zz", "-1", "FFFFFFFFFFFFFFFF", "", Integer.toHexString(body.length + 10), "1;ext=\u0001");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes((size + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(body);
            return out.toByteArray();
        }

        @SafeVarargs
        private <T> T pick(T... choices) {
            return choices[random.nextInt(choices.length)];
        }
    }

    /** A body as sent, and whether our sending side closes after it. */
    private record Framing(byte[] wire, boolean halfClose) {
    }
}
