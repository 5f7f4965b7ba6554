package io.causalkv.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.cluster.NodeAddress;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The peer client's own HTTP/1.1 connections: answers framed every way HTTP/1.1 allows, a
 * connection reused while the peer keeps it, a fresh one when the peer closed it, and the call's
 * bound kept wherever the peer stalls.
 */
class PeerConnectionPoolTest {

    private final PeerConnectionPool pool = new PeerConnectionPool();
    private final List<ServerSocket> servers = new ArrayList<>();
    /** Connections the scripted peers have closed. */
    private final AtomicInteger closedByPeer = new AtomicInteger();

    @AfterEach
    void close() throws IOException {
        pool.close();
        for (ServerSocket server : servers) {
            server.close();
        }
    }

    /** What a scripted peer does with each request it reads on a connection; false closes the connection. */
    private interface Answering {
        boolean answer(int connection, String requestHead, String body, OutputStream out) throws Exception;
    }

    /** A peer that reads requests (head + Content-Length body) on each connection and answers as told. */
    private NodeAddress peer(Answering answering, AtomicInteger connections) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        servers.add(server);
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    int number = connections.incrementAndGet();
                    Thread handler = new Thread(() -> serve(socket, number, answering));
                    handler.setDaemon(true);
                    handler.start();
                } catch (IOException e) {
                    return; // closed by the test
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        return NodeAddress.parse("127.0.0.1:" + server.getLocalPort());
    }

    private void serve(Socket socket, int number, Answering answering) {
        try (socket) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            while (true) {
                StringBuilder head = new StringBuilder();
                int length = 0;
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    head.append(line).append('\n');
                    if (line.toLowerCase().startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                if (head.length() == 0) {
                    return;
                }
                char[] body = new char[length];
                for (int read = 0; read < length; ) {
                    read += in.read(body, read, length - read);
                }
                if (!answering.answer(number, head.toString(), new String(body), socket.getOutputStream())) {
                    return;
                }
            }
        } catch (Exception e) {
            // the test is over
        } finally {
            closedByPeer.incrementAndGet(); // after the socket's close (try-with-resources ran first)
        }
    }

    /** Waits (at most 5 s) until {@code condition} holds. */
    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "waited 5 s for " + what);
            Thread.sleep(5);
        }
    }

    private static void write(OutputStream out, String answer) throws IOException {
        out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    private PeerConnection.Answer call(NodeAddress to, String body, long timeoutMillis) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return pool.call(to, PeerConnection.head("POST", "/internal/ping", to.toString(), bytes.length,
                "Content-Type", "application/json"), bytes, timeoutMillis, 1_000);
    }

    @Test
    void aConnectionCarriesCallAfterCallWhileThePeerKeepsIt() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        NodeAddress to = peer((connection, head, body, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                    + "\r\n\r\n" + body);
            return true;
        }, connections);
        for (int i = 0; i < 20; i++) {
            PeerConnection.Answer answer = call(to, "{\"n\":" + i + "}", 2_000);
            assertEquals(200, answer.status());
            assertEquals("{\"n\":" + i + "}", new String(answer.body(), StandardCharsets.UTF_8));
        }
        assertEquals(1, connections.get(), "one keep-alive connection for twenty sequential calls");
    }

    @Test
    void readsChunkedAnswersAndAnswersDelimitedByTheClose() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        AtomicInteger requests = new AtomicInteger();
        NodeAddress to = peer((connection, head, body, out) -> {
            if (requests.incrementAndGet() == 1) {
                write(out, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5;ext=1\r\n{\"a\":\r\n3\r\n12}\r\n0\r\nX-Trailer: t\r\n\r\n");
                return true;
            }
            write(out, "HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n{\"error\":\"Key does not exist\"}");
            return false;
        }, connections);
        PeerConnection.Answer chunked = call(to, "{}", 2_000);
        assertEquals(201, chunked.status());
        assertEquals("{\"a\":12}", new String(chunked.body(), StandardCharsets.UTF_8));
        assertTrue(chunked.keepAlive());
        // The same connection, then closed by the peer after a body with no length.
        PeerConnection.Answer closing = call(to, "{}", 2_000);
        assertEquals(404, closing.status());
        assertArrayEquals("{\"error\":\"Key does not exist\"}".getBytes(StandardCharsets.UTF_8), closing.body());
        assertFalse(closing.keepAlive());
        assertEquals(1, connections.get());
    }

    /** A relayed HEAD (Jersey answers HEAD for every GET): its answer has a length and no body. */
    @Test
    void theAnswerToAHeadHasNoBodyWhateverItsLength() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        NodeAddress to = peer((connection, head, body, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 30\r\n\r\n");
            return true;
        }, connections);
        long start = System.nanoTime();
        PeerConnection.Answer answer = pool.call(to, PeerConnection.head("HEAD", "/kvs/k", to.toString(), 0), new byte[0],
                2_000, 1_000);
        assertTrue((System.nanoTime() - start) / 1_000_000 < 1_000, "answered at once, not at the deadline");
        assertEquals(200, answer.status());
        assertEquals(0, answer.body().length);
        assertTrue(answer.keepAlive());
    }

    @Test
    void aConnectionThePeerClosedWhileIdleIsNotUsedAgain() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        NodeAddress to = peer((connection, head, body, out) -> {
            // Keep-alive answers, but the peer closes each connection after its answer (as a
            // restarted peer or one past its idle timeout does), without saying so.
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
            return false;
        }, connections);
        for (int i = 0; i < 5; i++) {
            assertEquals(200, call(to, "{}", 2_000).status());
            int closed = i + 1;
            await("the peer's close of connection " + closed, () -> closedByPeer.get() >= closed);
        }
        assertEquals(5, connections.get(), "each call found the closed connection and opened another");
    }

    @Test
    void refusedConnectionsAreNotConnected() throws Exception {
        ServerSocket closed = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        NodeAddress nobody = NodeAddress.parse("127.0.0.1:" + closed.getLocalPort());
        closed.close();
        assertThrows(PeerConnection.NotConnected.class, () -> call(nobody, "{}", 1_000));
    }

    @Test
    void aPeerThatStopsReadingDoesNotHoldALargeCallPastItsBound() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        servers.add(server);
        List<Socket> accepted = new ArrayList<>();
        Thread acceptor = new Thread(() -> {
            try {
                accepted.add(server.accept()); // accepts, then never reads: the sender's writes fill the buffers
                connections.incrementAndGet();
            } catch (IOException e) {
                // closed by the test
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        NodeAddress to = NodeAddress.parse("127.0.0.1:" + server.getLocalPort());
        byte[] big = new byte[64 * 1024 * 1024];
        long start = System.nanoTime();
        IOException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertThrows(IOException.class,
                () -> pool.call(to, PeerConnection.head("POST", "/internal/replicate", to.toString(), big.length), big, 300, 1_000)));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMillis < 1_500, "the call ended " + tookMillis + " ms after it began (bound 300 ms): " + e);
        assertFalse(e instanceof PeerConnection.NotConnected, "the peer may have part of the request");
        for (Socket socket : accepted) {
            socket.close();
        }
    }

    @Test
    void aClosedPoolEndsACallInProgress() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        java.util.concurrent.CountDownLatch arrived = new java.util.concurrent.CountDownLatch(1);
        NodeAddress to = peer((connection, head, body, out) -> {
            arrived.countDown();
            Thread.sleep(20_000); // never answers
            return false;
        }, connections);
        Thread closer = new Thread(() -> {
            try {
                if (arrived.await(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    pool.close(); // while the call waits for its answer
                }
            } catch (InterruptedException e) {
                // the test ends
            }
        });
        closer.start();
        long start = System.nanoTime();
        assertThrows(IOException.class, () -> call(to, "{}", 10_000));
        assertTrue((System.nanoTime() - start) / 1_000_000 < 2_000, "closing the client ended the call");
        closer.join(5_000);
    }
}
