package io.causalkv.transport;

import io.causalkv.cluster.NodeAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Keep-alive connections to each peer, and the deadline of every call on them. A call takes an
 * idle connection (the most recently used: its peer is warm) or opens one, and gives it back
 * after a whole answer that allows another. A reaper thread closes the connection of a call that
 * outlives its deadline, which ends the call wherever it is blocked (writing to a peer whose link
 * was cut, reading an answer that stalls mid-body): it looks every {@link #REAPER_TICK_MILLIS}
 * while calls are in progress and sleeps while none are (a timer task per call woke a thread per
 * call: 4 % of a core at 2,300 writes a second).
 */
final class PeerConnectionPool implements AutoCloseable {

    /** Idle connections kept per peer; more are closed when given back. */
    static final int MAX_IDLE_PER_PEER = 16;
    /** An idle connection older than this is closed, well before the peers' own idle timeouts (Jetty 30 s, Tomcat 20 s). */
    static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** How often the reaper looks for calls past their deadline: a call may outlive it by this much. */
    static final long REAPER_TICK_MILLIS = 20;

    private final Map<NodeAddress, ArrayDeque<PeerConnection>> idle = new ConcurrentHashMap<>();
    /** Connections of calls in progress, each with its deadline (System.nanoTime). */
    private final Map<PeerConnection, Long> inUse = new ConcurrentHashMap<>();
    private final Thread reaper;
    /** True while the reaper sleeps until a call begins. */
    private volatile boolean reaperAsleep;
    private volatile boolean closed;

    PeerConnectionPool() {
        reaper = new Thread(this::reap, "peer-client-deadlines");
        reaper.setDaemon(true);
        reaper.start();
    }

    /**
     * Sends {@code head} and {@code body} to {@code to} and reads the whole answer by
     * {@code timeoutMillis} from now.
     *
     * @throws PeerConnection.NotConnected when no connection could be made (nothing was sent)
     * @throws IOException any other failure, the deadline's included (the peer may have the request)
     */
    PeerConnection.Answer call(NodeAddress to, byte[] head, byte[] body, long timeoutMillis, int connectTimeoutMillis)
            throws IOException {
        if (closed) {
            throw new PeerConnection.NotConnected(new SocketException("peer client closed"));
        }
        // The deadline covers the connect too: a peer whose link is cut (SYNs dropped) takes the
        // call's whole bound to fail, not the connect timeout and then the bound again.
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(1, timeoutMillis));
        PeerConnection connection = idleConnection(to);
        if (connection == null) {
            connection = PeerConnection.open(new InetSocketAddress(to.host(), to.port()),
                    (int) Math.min(connectTimeoutMillis, Math.max(1, timeoutMillis)));
        }
        inUse.put(connection, deadline);
        if (reaperAsleep) {
            LockSupport.unpark(reaper);
        }
        boolean reusable = false;
        try {
            PeerConnection.Answer answer = connection.exchange(head, body, isHead(head));
            reusable = answer.keepAlive();
            return answer;
        } catch (IOException e) {
            if (connection.expired()) {
                throw new IOException("no whole answer within " + timeoutMillis + " ms", e);
            }
            throw e;
        } finally {
            inUse.remove(connection);
            if (reusable && !connection.expired() && !closed) {
                giveBack(to, connection);
            } else {
                connection.close();
            }
        }
    }

    private static boolean isHead(byte[] head) {
        return head.length > 5 && head[0] == 'H' && head[1] == 'E' && head[2] == 'A' && head[3] == 'D' && head[4] == ' ';
    }

    private void reap() {
        while (!closed) {
            if (inUse.isEmpty()) {
                reaperAsleep = true;
                if (inUse.isEmpty() && !closed) { // a call that began since saw the flag and wakes us
                    LockSupport.park(this);
                }
                reaperAsleep = false;
                continue;
            }
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(REAPER_TICK_MILLIS));
            long now = System.nanoTime();
            inUse.forEach((connection, deadline) -> {
                if (now - deadline > 0) {
                    connection.expire();
                }
            });
        }
    }

    private PeerConnection idleConnection(NodeAddress to) {
        ArrayDeque<PeerConnection> connections = idle.get(to);
        if (connections == null) {
            return null;
        }
        long now = System.nanoTime();
        while (true) {
            PeerConnection connection;
            synchronized (connections) {
                connection = connections.pollFirst();
            }
            if (connection == null) {
                return null;
            }
            if (now - connection.idleSince() < MAX_IDLE_NANOS && connection.stillOpen()) {
                return connection;
            }
            connection.close();
        }
    }

    private void giveBack(NodeAddress to, PeerConnection connection) {
        connection.idleFrom(System.nanoTime());
        ArrayDeque<PeerConnection> connections = idle.computeIfAbsent(to, peer -> new ArrayDeque<>());
        synchronized (connections) {
            if (connections.size() < MAX_IDLE_PER_PEER && !closed) {
                connections.addFirst(connection);
                return;
            }
        }
        connection.close();
    }

    /** Closes every connection, ending calls in progress, and stops the timer thread. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(reaper);
        inUse.keySet().forEach(PeerConnection::close);
        for (ArrayDeque<PeerConnection> connections : idle.values()) {
            synchronized (connections) {
                connections.forEach(PeerConnection::close);
                connections.clear();
            }
        }
    }
}
