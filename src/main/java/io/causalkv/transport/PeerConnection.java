package io.causalkv.transport;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection to a peer, used by one caller at a time: it writes a
 * request and reads the whole answer on the caller's thread, with no hand-off between threads.
 * Blocking I/O on a {@link SocketChannel}, so that an interrupt or a {@link #close()} from
 * another thread (the pool's deadline) ends a blocked call at once.
 *
 * <p>Why not the JDK HttpClient: its asynchronous machinery hands every exchange between the
 * caller, its selector thread and its executor; on a 3-node PUT it cost 0.3 ms of CPU per peer
 * call on the calling node, more than the call's server side (docs/PERFORMANCE.md, issue 19).
 */
final class PeerConnection implements AutoCloseable {

    /** The longest status line plus headers accepted from a peer. */
    private static final int MAX_HEAD_BYTES = 64 * 1024;

    private final SocketChannel channel;
    /** Bytes read and not yet consumed, between position and limit. */
    private ByteBuffer in = ByteBuffer.allocate(16 * 1024).flip();
    private long idleSince;
    private volatile boolean expired;

    private PeerConnection(SocketChannel channel) {
        this.channel = channel;
    }

    /** A connection that was never made: the peer certainly did not get the request. */
    static final class NotConnected extends IOException {
        NotConnected(IOException cause) {
            super(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(), cause);
        }
    }

    static PeerConnection open(InetSocketAddress address, int connectTimeoutMillis) throws NotConnected {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true); // small requests, answered at once
            channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            channel.socket().connect(address, Math.max(1, connectTimeoutMillis));
            return new PeerConnection(channel);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new NotConnected(e);
        }
    }

    /** The status, the body, and whether the connection may carry another request. */
    record Answer(int status, byte[] body, boolean expiredHeader, boolean keepAlive) {
    }

    /** @param headRequest the request was a HEAD: its answer has no body, whatever its Content-Length says */
    Answer exchange(byte[] head, byte[] body, boolean headRequest) throws IOException {
        ByteBuffer[] out = body.length == 0 ? new ByteBuffer[] {ByteBuffer.wrap(head)}
                : new ByteBuffer[] {ByteBuffer.wrap(head), ByteBuffer.wrap(body)};
        long left = head.length + (long) body.length;
        while (left > 0) {
            left -= channel.write(out);
        }
        return readAnswer(headRequest);
    }

    private Answer readAnswer(boolean headRequest) throws IOException {
        while (true) {
            String statusLine = readLine(0);
            int status = parseStatus(statusLine);
            long contentLength = -1;
            boolean chunked = false;
            boolean close = statusLine.startsWith("HTTP/1.0");
            boolean expiredHeader = false;
            int headBytes = statusLine.length();
            for (String line = readLine(headBytes); !line.isEmpty(); line = readLine(headBytes)) {
                headBytes += line.length() + 2;
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new ProtocolException("malformed header line from peer");
                }
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> contentLength = parseLength(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> close |= value.toLowerCase(Locale.ROOT).contains("close");
                    default -> expiredHeader |= name.equalsIgnoreCase(PeerRequest.EXPIRED_HEADER);
                }
            }
            if (status >= 100 && status < 200) {
                continue; // an interim answer (100 Continue): the real one follows
            }
            byte[] answer;
            if (headRequest || status == 204 || status == 304) {
                answer = new byte[0];
            } else if (chunked) {
                answer = readChunked();
            } else if (contentLength >= 0) {
                answer = readExactly(contentLength);
            } else {
                answer = readToEnd(); // delimited by the close: not reusable
                close = true;
            }
            return new Answer(status, answer, expiredHeader, !close && !in.hasRemaining());
        }
    }

    private static int parseStatus(String line) throws ProtocolException {
        if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
            throw new ProtocolException("not an HTTP/1.x answer from peer");
        }
        try {
            return Integer.parseInt(line.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new ProtocolException("bad status line from peer");
        }
    }

    private static long parseLength(String value) throws ProtocolException {
        try {
            long length = Long.parseLong(value);
            if (length < 0 || length > Integer.MAX_VALUE - 16) {
                throw new ProtocolException("content length out of range from peer: " + value);
            }
            return length;
        } catch (NumberFormatException e) {
            throw new ProtocolException("bad content length from peer");
        }
    }

    /** One CRLF-terminated line (ISO-8859-1), without its end. */
    private String readLine(int headSoFar) throws IOException {
        StringBuilder line = new StringBuilder(64);
        while (true) {
            if (!in.hasRemaining()) {
                fill();
            }
            byte b = in.get();
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            line.append((char) (b & 0xff));
            if (headSoFar + line.length() > MAX_HEAD_BYTES) {
                throw new ProtocolException("answer head from peer over " + MAX_HEAD_BYTES + " bytes");
            }
        }
    }

    private byte[] readExactly(long length) throws IOException {
        byte[] body = new byte[(int) length];
        int done = Math.min(in.remaining(), body.length);
        in.get(body, 0, done);
        ByteBuffer rest = ByteBuffer.wrap(body, done, body.length - done);
        while (rest.hasRemaining()) {
            if (channel.read(rest) < 0) {
                throw new EOFException("peer closed the connection mid-answer");
            }
        }
        return body;
    }

    private byte[] readChunked() throws IOException {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine(0);
            int semicolon = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new ProtocolException("bad chunk size from peer");
            }
            if (size < 0 || body.size() + size > Integer.MAX_VALUE - 16) {
                throw new ProtocolException("chunk size out of range from peer");
            }
            if (size == 0) {
                for (String trailer = readLine(0); !trailer.isEmpty(); trailer = readLine(0)) {
                    // trailers: none of ours
                }
                return body.toByteArray();
            }
            body.writeBytes(readExactly(size));
            if (!readLine(0).isEmpty()) {
                throw new ProtocolException("chunk without its line end from peer");
            }
        }
    }

    private byte[] readToEnd() throws IOException {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        while (true) {
            if (in.hasRemaining()) {
                body.write(in.array(), in.arrayOffset() + in.position(), in.remaining());
                in.position(in.limit());
            }
            in.clear();
            int read = channel.read(in);
            in.flip();
            if (read < 0) {
                return body.toByteArray();
            }
        }
    }

    private void fill() throws IOException {
        in.clear();
        int read = channel.read(in);
        in.flip();
        if (read < 0) {
            throw new EOFException("peer closed the connection");
        }
    }

    /**
     * True when the connection is still usable after lying idle: the peer has not closed it (a
     * restart, or its idle timeout) and sent nothing unasked. Checked without blocking.
     */
    boolean stillOpen() {
        try {
            channel.configureBlocking(false);
            ByteBuffer probe = ByteBuffer.allocate(1);
            int read = channel.read(probe);
            channel.configureBlocking(true);
            return read == 0;
        } catch (IOException e) {
            return false;
        }
    }

    void idleFrom(long nanos) {
        idleSince = nanos;
    }

    long idleSince() {
        return idleSince;
    }

    /** Ends a call that outlived its deadline (from the pool's timer thread). */
    void expire() {
        expired = true;
        close();
    }

    boolean expired() {
        return expired;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** The request head: request line, Host, Content-Length, then the caller's headers. */
    static byte[] head(String method, String rawPath, String host, int bodyLength, String... headers) {
        StringBuilder head = new StringBuilder(160 + rawPath.length());
        head.append(method).append(' ').append(rawPath).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
        if (bodyLength > 0 || !method.equals("GET")) {
            head.append("Content-Length: ").append(bodyLength).append("\r\n");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        return head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }
}
