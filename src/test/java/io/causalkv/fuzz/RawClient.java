package io.causalkv.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Sends a request's bytes exactly as generated over a fresh socket to 127.0.0.1 and reads the
 * whole answer until the server closes, every step bounded. Large bodies are written by another
 * thread while the answer is read, so a server that answers 413 early and stops reading cannot
 * dead-lock the two.
 */
final class RawClient implements AutoCloseable {

    /** Longest wait for any byte of the answer; every server-side wait is bounded below this (API.md 10.6). */
    static final int READ_TIMEOUT_MILLIS = 10_000;
    /** How long to watch for a body after a HEAD answer's headers. */
    private static final int HEAD_BODY_WAIT_MILLIS = 300;
    /** Bodies larger than this are written from another thread. */
    private static final int INLINE_WRITE_LIMIT = 64 * 1024;
    /** Stop reading an answer past this size (no valid answer here comes close). */
    private static final int MAX_ANSWER_BYTES = 16 * 1024 * 1024;

    private final ExecutorService writers = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "fuzz-writer");
        thread.setDaemon(true);
        return thread;
    });

    /** What came back: the raw bytes, and how the exchange ended. */
    record Exchange(byte[] answer, String failure, boolean closed) {

        Exchange(byte[] answer, String failure) {
            this(answer, failure, false);
        }

        boolean timedOut() {
            return failure != null && failure.startsWith("timeout");
        }
    }

    Exchange send(int port, FuzzRequest request) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            Future<?> writing = null;
            try {
                if (request.body().length > INLINE_WRITE_LIMIT) {
                    out.write(request.head());
                    writing = writers.submit(() -> writeBody(socket, out, request));
                } else {
                    out.write(request.head());
                    writeBody(socket, out, request);
                }
            } catch (IOException e) {
                // The server may close before taking everything (413, a broken head): its answer,
                // if any, is still readable.
            }
            Exchange exchange = readAnswer(socket, request.isHead());
            if (writing != null) {
                writing.cancel(true);
            }
            return exchange;
        } catch (IOException e) {
            return new Exchange(new byte[0], "connect: " + e);
        }
    }

    private static Void writeBody(Socket socket, OutputStream out, FuzzRequest request) throws IOException {
        try {
            out.write(request.body());
            out.flush();
            if (request.halfClose()) {
                socket.shutdownOutput();
            }
        } catch (IOException e) {
            // see send
        }
        return null;
    }

    /**
     * Reads until the answer's framing says it is complete, or the server closes. (After a
     * {@code 100 Continue}, Jetty keeps the connection open although the request said
     * {@code Connection: close}; waiting for the close would wait for its idle timeout.)
     */
    private static Exchange readAnswer(Socket socket, boolean headRequest) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        boolean headersDone = false;
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                answer.write(buffer, 0, n);
                boolean complete = RawAnswer.parse(answer.toByteArray(), headRequest).map(RawAnswer::complete).orElse(false);
                if (complete && !headRequest) {
                    return new Exchange(answer.toByteArray(), null);
                }
                if (complete && !headersDone) {
                    // A HEAD answer is complete after its headers; whatever follows soon is a body it must not have.
                    headersDone = true;
                    socket.setSoTimeout(HEAD_BODY_WAIT_MILLIS);
                }
                if (answer.size() > MAX_ANSWER_BYTES) {
                    return new Exchange(answer.toByteArray(), "answer larger than " + MAX_ANSWER_BYTES + " bytes");
                }
            }
            return new Exchange(answer.toByteArray(), null, true);
        } catch (SocketTimeoutException e) {
            if (headersDone) {
                return new Exchange(answer.toByteArray(), null);
            }
            return new Exchange(answer.toByteArray(), "timeout: no end of answer within " + READ_TIMEOUT_MILLIS + " ms");
        } catch (IOException e) {
            // A reset after the answer was sent (the server closed with our body unread) is normal.
            return new Exchange(answer.toByteArray(), answer.size() > 0 ? null : "read: " + e);
        }
    }

    static String preview(byte[] bytes, int max) {
        String text = new String(bytes, 0, Math.min(bytes.length, max), StandardCharsets.ISO_8859_1);
        return text.replace("\r", "\\r").replace("\n", "\\n\n") + (bytes.length > max ? "... (" + bytes.length + " bytes)" : "");
    }

    @Override
    public void close() throws InterruptedException {
        writers.shutdownNow();
        writers.awaitTermination(5, TimeUnit.SECONDS);
    }
}
