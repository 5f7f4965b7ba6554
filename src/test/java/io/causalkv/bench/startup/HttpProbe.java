package io.causalkv.bench.startup;

import io.causalkv.testing.RawHttp;

/**
 * One plain HTTP/1.1 GET over a fresh socket ({@link RawHttp}), as cheap as a probe can be: the
 * benchmark's own CPU must not compete with the nodes it times on two cores.
 */
final class HttpProbe {

    /** An answer: the status (0 when nothing answered) and the body. */
    record Answer(int status, String body) {
        boolean answered() {
            return status > 0;
        }
    }

    private HttpProbe() {
    }

    static Answer get(int port, String path) {
        try {
            String raw = RawHttp.send(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n\r\n");
            return new Answer(RawHttp.status(raw), RawHttp.body(raw));
        } catch (RuntimeException e) {
            return new Answer(0, ""); // refused (not listening yet), reset, or no HTTP answer
        }
    }
}
