package io.causalkv.bench.startup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One plain HTTP/1.1 GET over a fresh socket, as cheap as a probe can be: the benchmark's own
 * CPU must not compete with the nodes it times on two cores.
 */
final class HttpProbe {

    /** An answer: the status (0 when nothing answered) and the body. */
    record Answer(int status, String body) {
        boolean answered() {
            return status > 0;
        }
    }

    private static final Answer NONE = new Answer(0, "");

    private HttpProbe() {
    }

    static Answer get(int port, String path, int timeoutMillis) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String text = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            if (!text.startsWith("HTTP/1.1 ") || text.length() < 12) {
                return NONE;
            }
            int split = text.indexOf("\r\n\r\n");
            return new Answer(Integer.parseInt(text.substring(9, 12)), split < 0 ? "" : text.substring(split + 4));
        } catch (IOException | NumberFormatException e) {
            return NONE;
        }
    }
}
