package io.causalkv.bench.wrk;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads HTTP/1.1 answers off one connection as its bytes arrive, for {@link SessionGenerator}:
 * the status, the body (framed by Content-Length or chunked; a body with neither ends with the
 * connection) and whether the server closes the connection. Just enough HTTP for a load
 * generator, and cheap: the headers are scanned in place, and the body becomes a String only when
 * the caller reads it. Not thread-safe.
 */
final class HttpAnswerReader {

    /** A whole answer; {@code body} null when it was not asked for. */
    record Answer(int status, String body, boolean close) {
    }

    private static final byte[] CONTENT_LENGTH = "content-length:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONNECTION = "connection:".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_HEADER = 64 * 1024;
    /** The largest answer read (a bench's answers are small; a larger one is a broken server). */
    static final int MAX_ANSWER = 64 * 1024 * 1024;

    private byte[] bytes = new byte[8192];
    private ByteBuffer buffer = ByteBuffer.wrap(bytes);

    /** The buffer to read the connection into (with room left). */
    ByteBuffer buffer() {
        if (!buffer.hasRemaining()) {
            if (bytes.length >= MAX_ANSWER) {
                throw new IllegalStateException("an answer of more than " + MAX_ANSWER + " bytes");
            }
            byte[] larger = new byte[bytes.length * 2];
            System.arraycopy(bytes, 0, larger, 0, buffer.position());
            int position = buffer.position();
            bytes = larger;
            buffer = ByteBuffer.wrap(bytes);
            buffer.position(position);
        }
        return buffer;
    }

    /** Forgets what was read (a new connection). */
    void reset() {
        buffer.clear();
    }

    /**
     * The answer read so far if it is whole, removed from the buffer; null if more bytes are
     * needed. {@code ended}: the connection has closed (ends a body framed by nothing). Interim
     * answers (1xx) are skipped.
     *
     * @throws IllegalStateException if the bytes are not an HTTP/1.1 answer
     */
    Answer next(boolean withBody, boolean ended) {
        while (true) {
            Answer answer = nextAnswer(withBody, ended);
            if (answer == null || answer.status() / 100 != 1) {
                return answer;
            }
        }
    }

    private Answer nextAnswer(boolean withBody, boolean ended) {
        int filled = buffer.position();
        int headerEnd = headerEnd(filled);
        if (headerEnd < 0) {
            if (filled > MAX_HEADER) {
                throw new IllegalStateException("no end of the answer's headers in " + filled + " bytes");
            }
            return null;
        }
        if (filled < 12 || bytes[0] != 'H' || bytes[8] != ' ' || !digit(bytes[9]) || !digit(bytes[10]) || !digit(bytes[11])) {
            throw new IllegalStateException("not an HTTP answer: " + new String(bytes, 0, Math.min(filled, 40),
                    StandardCharsets.ISO_8859_1));
        }
        int status = (bytes[9] - '0') * 100 + (bytes[10] - '0') * 10 + (bytes[11] - '0');
        long length = -1;
        boolean chunked = false;
        boolean close = bytes[7] == '0'; // HTTP/1.0 closes unless told otherwise; good enough here
        for (int line = lineAfter(0, headerEnd); line < headerEnd; line = lineAfter(line, headerEnd)) {
            if (startsWithIgnoreCase(line, CONTENT_LENGTH)) {
                length = Long.parseLong(valueAt(line + CONTENT_LENGTH.length, headerEnd).trim());
                if (length < 0 || length > MAX_ANSWER) {
                    throw new IllegalStateException("a Content-Length of " + length);
                }
            } else if (startsWithIgnoreCase(line, TRANSFER_ENCODING)) {
                chunked = valueAt(line + TRANSFER_ENCODING.length, headerEnd).toLowerCase().contains("chunked");
            } else if (startsWithIgnoreCase(line, CONNECTION)) {
                close = valueAt(line + CONNECTION.length, headerEnd).toLowerCase().contains("close");
            }
        }
        int bodyStart = headerEnd + 4;
        if (status / 100 == 1 || status == 204 || status == 304) {
            length = 0;
        }
        String body;
        int consumed;
        if (chunked) {
            java.io.ByteArrayOutputStream decoded = new java.io.ByteArrayOutputStream();
            consumed = dechunk(bodyStart, filled, decoded);
            if (consumed < 0) {
                return null;
            }
            body = withBody ? decoded.toString(StandardCharsets.UTF_8) : null;
        } else if (length >= 0) {
            if (filled - bodyStart < length) {
                return null;
            }
            consumed = bodyStart + (int) length;
            body = withBody ? new String(bytes, bodyStart, (int) length, StandardCharsets.UTF_8) : null;
        } else {
            if (!ended) {
                return null;
            }
            consumed = filled;
            close = true;
            body = withBody ? new String(bytes, bodyStart, filled - bodyStart, StandardCharsets.UTF_8) : null;
        }
        System.arraycopy(bytes, consumed, bytes, 0, filled - consumed);
        buffer.position(filled - consumed);
        return new Answer(status, body, close);
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** The index of the CRLFCRLF that ends the headers, or -1. */
    private int headerEnd(int filled) {
        for (int i = 0; i + 3 < filled; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Just past the CRLF at or after {@code from}, or {@code end} when there is none. */
    private int lineAfter(int from, int end) {
        int crlf = lineEnd(from, end);
        return crlf < 0 ? end : crlf + 2;
    }

    private boolean startsWithIgnoreCase(int at, byte[] lowerName) {
        for (int i = 0; i < lowerName.length; i++) {
            byte b = bytes[at + i];
            if ((b >= 'A' && b <= 'Z' ? b + 32 : b) != lowerName[i]) {
                return false;
            }
        }
        return true;
    }

    private String valueAt(int from, int end) {
        int stop = from;
        while (stop < end && bytes[stop] != '\r') {
            stop++;
        }
        return new String(bytes, from, stop - from, StandardCharsets.ISO_8859_1);
    }

    /**
     * Decodes a chunked body from {@code at}; the index after its end (the last chunk, any
     * trailers and the empty line), or -1 if not all there yet.
     */
    private int dechunk(int at, int filled, java.io.ByteArrayOutputStream into) {
        int i = at;
        while (true) {
            int lineEnd = lineEnd(i, filled);
            if (lineEnd < 0) {
                return -1;
            }
            String sizeText = new String(bytes, i, lineEnd - i, StandardCharsets.ISO_8859_1);
            int semicolon = sizeText.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeText : sizeText.substring(0, semicolon)).trim(), 16);
            if (size < 0 || size > MAX_ANSWER) {
                throw new IllegalStateException("a chunk of " + size + " bytes");
            }
            int data = lineEnd + 2;
            if (size == 0) {
                // trailer lines, if any, then the empty line
                for (int line = data; ; ) {
                    int end = lineEnd(line, filled);
                    if (end < 0) {
                        return -1;
                    }
                    if (end == line) {
                        return end + 2;
                    }
                    line = end + 2;
                }
            }
            if (filled - data < size + 2) {
                return -1;
            }
            if (bytes[data + size] != '\r' || bytes[data + size + 1] != '\n') {
                throw new IllegalStateException("a chunk not followed by CRLF");
            }
            into.write(bytes, data, size);
            i = data + size + 2;
        }
    }

    /** The index of the CRLF at or after {@code from}, or -1. */
    private int lineEnd(int from, int filled) {
        for (int j = from; j + 1 < filled; j++) {
            if (bytes[j] == '\r' && bytes[j + 1] == '\n') {
                return j;
            }
        }
        return -1;
    }
}
