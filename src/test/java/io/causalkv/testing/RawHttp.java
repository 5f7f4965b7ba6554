package io.causalkv.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends bytes exactly as given over a socket, for requests that a well-behaved client library
 * refuses to send (bad percent-encodings, broken request lines). Reads until close, 5 s bound.
 */
public final class RawHttp {

    private RawHttp() {
    }

    public static String send(int port, String request) {
        return send(port, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    public static String send(int port, byte[] request) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The status code of a raw HTTP/1.1 answer. */
    public static int status(String answer) {
        return Integer.parseInt(answer.substring(9, 12));
    }

    /** The body of a raw answer (after the blank line). */
    public static String body(String answer) {
        int split = answer.indexOf("\r\n\r\n");
        return split < 0 ? "" : answer.substring(split + 4);
    }
}
