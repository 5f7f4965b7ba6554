package io.causalkv.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Free TCP ports on 127.0.0.1, for nodes whose addresses must be known before they start.
 *
 * <p>Ports come from below the kernel's ephemeral range (32768 and up on Linux): a port taken
 * from that range (port 0) can be handed to an outgoing connection of another node between
 * "reserved" and "bound", which failed a test with "Failed to bind" (seen once in CI). Each port
 * is given out once per JVM, and only if it can be bound right now. Different JVMs (surefire
 * forks, other builds) start at different offsets, so they rarely meet, and a port in use is
 * skipped.
 */
public final class FreePorts {

    private static final int FIRST = 20_000;
    private static final int LAST = 32_000;
    private static final AtomicInteger NEXT = new AtomicInteger(
            FIRST + (int) (ProcessHandle.current().pid() * 97 % (LAST - FIRST)));

    private FreePorts() {
    }

    public static int reserve() {
        for (int attempt = 0; attempt < LAST - FIRST; attempt++) {
            int port = FIRST + Math.floorMod(NEXT.getAndIncrement() - FIRST, LAST - FIRST);
            if (canBind(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + FIRST + ".." + LAST);
    }

    private static boolean canBind(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
