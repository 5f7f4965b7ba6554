package io.causalkv.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.cluster.NodeAddress;
import io.causalkv.testing.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A failed peer request says whether the peer may have received it: a relayed write may be sent
 * to another member only when it certainly did not.
 */
class HttpPeerClientDeliveryTest {

    private final HttpPeerClient client = new HttpPeerClient(Optional.empty());

    @Test
    void aRefusedConnectionCertainlyDeliveredNothing() {
        NodeAddress nobody = NodeAddress.parse("127.0.0.1:" + FreePorts.reserve());
        PeerUnreachableException e = assertThrows(PeerUnreachableException.class,
                () -> client.relay(nobody, new PeerRequest("PUT", "/kvs/k", "{}".getBytes(), Duration.ofSeconds(1), 1)));
        assertFalse(e.mayHaveArrived(), e.getMessage());
    }

    /** A peer on loopback that takes one connection and does {@code with} it what the test says. */
    private interface Behaviour {
        void on(Socket connection) throws Exception;
    }

    private static ServerSocket peer(Behaviour behaviour) throws IOException {
        ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            try (Socket connection = socket.accept()) {
                behaviour.on(connection);
            } catch (Exception e) {
                // closed by the test
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        return socket;
    }

    private static NodeAddress addressOf(ServerSocket socket) {
        return NodeAddress.parse("127.0.0.1:" + socket.getLocalPort());
    }

    @Test
    void aSilentPeerThatAcceptedTheConnectionMayHaveTheRequest() throws Exception {
        try (ServerSocket silent = peer(connection -> Thread.sleep(2_000))) { // reads nothing, answers nothing
            PeerUnreachableException e = assertThrows(PeerUnreachableException.class, () -> client.relay(addressOf(silent),
                    new PeerRequest("PUT", "/kvs/k", "{}".getBytes(), Duration.ofMillis(300), 1)));
            assertTrue(e.mayHaveArrived(), e.getMessage());
        }
    }

    @Test
    void aRequestThePeerRefusedAsExpiredWasNotTakenAndIsNoAnswer() throws Exception {
        String body = "{\"error\":\"Request expired\"}";
        try (ServerSocket refusing = peer(connection -> {
            connection.getInputStream().read(new byte[8192]);
            connection.getOutputStream().write(("HTTP/1.1 503 Service Unavailable\r\n" + PeerRequest.EXPIRED_HEADER
                    + ": true\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                    + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
        })) {
            // A relay's answer is passed on to the client as it is, except this one: the client
            // never sees a peer-protocol refusal, and the write may go to another member. (Found
            // by BadInputFuzzTest, seed 20261121: a client's "X-Causalkv-Budget-Ms: 1" made a
            // relay's deadline pass at the owner, whose 503 "Request expired" reached the client.)
            PeerUnreachableException e = assertThrows(PeerUnreachableException.class, () -> client.relay(addressOf(refusing),
                    new PeerRequest("PUT", "/kvs/k", "{}".getBytes(), Duration.ofSeconds(2), 1)));
            assertFalse(e.mayHaveArrived(), e.getMessage());
        }
    }

    /**
     * Issue 17 item 6: the JDK client's request timeout (17 and 25) ends at the response headers;
     * a peer that sends them and then stalls mid-body held the calling thread (a sender, a relay, a
     * probe) for as long as the connection stayed open. The call's bound covers the whole exchange.
     */
    @Test
    void aPeerStallingMidBodyDoesNotHoldTheCallPastItsBound() throws Exception {
        try (ServerSocket stalling = peer(connection -> {
            connection.getInputStream().read(new byte[8192]);
            connection.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n{\"accepted\":").getBytes(StandardCharsets.US_ASCII));
            connection.getOutputStream().flush();
            Thread.sleep(20_000); // the rest of the body never comes
        })) {
            long start = System.nanoTime();
            PeerUnreachableException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThrows(
                    PeerUnreachableException.class, () -> client.relay(addressOf(stalling),
                            new PeerRequest("PUT", "/kvs/k", "{}".getBytes(), Duration.ofMillis(300), 1))));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(tookMillis < 1_500, "the call ended " + tookMillis + " ms after it began (bound 300 ms)");
            assertTrue(e.mayHaveArrived(), e.getMessage());
        }
    }
}
