package io.causalkv.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.cluster.NodeAddress;
import io.causalkv.testing.FreePorts;
import java.net.ServerSocket;
import java.net.Socket;
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

    @Test
    void aSilentPeerThatAcceptedTheConnectionMayHaveTheRequest() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try (Socket ignored = silent.accept()) {
                    Thread.sleep(2_000); // reads nothing, answers nothing
                } catch (Exception e) {
                    // closed by the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            NodeAddress peer = NodeAddress.parse("127.0.0.1:" + silent.getLocalPort());
            PeerUnreachableException e = assertThrows(PeerUnreachableException.class,
                    () -> client.relay(peer, new PeerRequest("PUT", "/kvs/k", "{}".getBytes(), Duration.ofMillis(300), 1)));
            assertTrue(e.mayHaveArrived(), e.getMessage());
        }
    }

    @Test
    void aRequestThePeerRefusedAsExpiredWasNotTakenAndIsNoAnswer() throws Exception {
        try (ServerSocket peerSocket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread answerer = new Thread(() -> {
                try (Socket socket = peerSocket.accept()) {
                    socket.getInputStream().read(new byte[8192]);
                    String body = "{\"error\":\"Request expired\"}";
                    socket.getOutputStream().write(("HTTP/1.1 503 Service Unavailable\r\n" + PeerRequest.EXPIRED_HEADER
                            + ": true\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                            + "\r\nConnection: close\r\n\r\n" + body).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                } catch (Exception e) {
                    // closed by the test
                }
            });
            answerer.setDaemon(true);
            answerer.start();
            NodeAddress peer = NodeAddress.parse("127.0.0.1:" + peerSocket.getLocalPort());
            // A relay's answer is passed on to the client as it is, except this one: the client
            // never sees a peer-protocol refusal, and the write may go to another member. (Found
            // by BadInputFuzzTest, seed 20261121: a client's "X-Causalkv-Budget-Ms: 1" made a
            // relay's deadline pass at the owner, whose 503 "Request expired" reached the client.)
            PeerUnreachableException e = assertThrows(PeerUnreachableException.class,
                    () -> client.relay(peer, new PeerRequest("PUT", "/kvs/k", "{}".getBytes(), Duration.ofSeconds(2), 1)));
            assertFalse(e.mayHaveArrived(), e.getMessage());
        }
    }
}
