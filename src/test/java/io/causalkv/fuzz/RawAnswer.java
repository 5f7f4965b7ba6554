package io.causalkv.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP/1.x answer parsed from raw bytes: status, headers (names in lower case) and the body,
 * de-chunked. Interim 1xx answers (100 Continue) are skipped. Only the first final answer counts.
 */
record RawAnswer(int status, Map<String, List<String>> headers, byte[] body, boolean complete) {

    /** Parses {@code bytes}; empty if they do not start with a complete status line and header block. */
    static Optional<RawAnswer> parse(byte[] bytes, boolean headRequest) {
        int start = 0;
        while (true) {
            int end = indexOf(bytes, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
            if (end < 0) {
                return Optional.empty();
            }
            String[] lines = new String(bytes, start, end - start, StandardCharsets.ISO_8859_1).split("\r\n");
            if (!lines[0].matches("HTTP/1\\.[01] \\d{3}( .*)?")) {
                return Optional.empty();
            }
            int status = Integer.parseInt(lines[0].substring(9, 12));
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                            .add(lines[i].substring(colon + 1).trim());
                }
            }
            int bodyStart = end + 4;
            if (status >= 100 && status < 200) {
                start = bodyStart;
                continue;
            }
            byte[] rest = Arrays.copyOfRange(bytes, bodyStart, bytes.length);
            return Optional.of(body(status, headers, rest, headRequest || status == 204 || status == 304));
        }
    }

    /**
     * The answer with its body as framed. {@code complete} once the framing says the answer has
     * ended, so a client need not wait for the server to close (it may keep the connection open).
     */
    private static RawAnswer body(int status, Map<String, List<String>> headers, byte[] rest, boolean none) {
        if (none) {
            return new RawAnswer(status, headers, rest, true); // rest should be empty; the oracle checks
        }
        String encoding = first(headers, "transfer-encoding").orElse("");
        if (encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            boolean ended = dechunk(rest, out);
            return new RawAnswer(status, headers, out.toByteArray(), ended);
        }
        Optional<String> length = first(headers, "content-length");
        if (length.isPresent()) {
            try {
                int n = Integer.parseInt(length.get());
                return new RawAnswer(status, headers, Arrays.copyOf(rest, Math.min(n, rest.length)), rest.length >= n);
            } catch (NumberFormatException e) {
                return new RawAnswer(status, headers, rest, false);
            }
        }
        return new RawAnswer(status, headers, rest, false);
    }

    /** De-chunks into {@code out}; true if the last chunk was reached. */
    private static boolean dechunk(byte[] rest, ByteArrayOutputStream out) {
        int at = 0;
        while (at < rest.length) {
            int lineEnd = indexOf(rest, new byte[] {'\r', '\n'}, at);
            if (lineEnd < 0) {
                break;
            }
            String sizeText = new String(rest, at, lineEnd - at, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int size;
            try {
                size = Integer.parseInt(sizeText, 16);
            } catch (NumberFormatException e) {
                break;
            }
            if (size == 0) {
                return true;
            }
            int from = lineEnd + 2;
            out.write(rest, from, Math.max(0, Math.min(size, rest.length - from)));
            at = from + size + 2;
        }
        return false;
    }

    static Optional<String> first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    Optional<String> header(String name) {
        return first(headers, name);
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    private static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
