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
 * is given out once per JVM, and only if it can be bound right now. Surefire's forks each take
 * their own block of the range (system property {@code causalkv.portBlock}, the fork's number
 * from 1; the pom sets it), so two forks never hand out the same port; a JVM without a block
 * (failsafe, other builds) starts at an offset of its own within the whole range, and a port in
 * use is skipped.
 */
public final class FreePorts {

    private static final int BLOCKS = 4;
    private static final int BOTTOM = 20_000;
    private static final int TOP = 32_000;
    private static final int FIRST;
    private static final int LAST;
    private static final AtomicInteger NEXT;

    static {
        int block = block();
        int size = (TOP - BOTTOM) / BLOCKS;
        FIRST = block == 0 ? BOTTOM : BOTTOM + (block - 1) % BLOCKS * size;
        LAST = block == 0 ? TOP : FIRST + size;
        NEXT = new AtomicInteger(FIRST + (int) (ProcessHandle.current().pid() * 97 % (LAST - FIRST)));
    }

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

    /** The fork's block, from 1; 0 when none was set (or it is not a number). */
    private static int block() {
        try {
            return Math.max(0, Integer.parseInt(System.getProperty("causalkv.portBlock", "0").trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
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
