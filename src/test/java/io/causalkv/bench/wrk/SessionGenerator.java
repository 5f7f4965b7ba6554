package io.causalkv.bench.wrk;

import io.causalkv.bench.startup.ProcessCpu;
import io.causalkv.cluster.NodeAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The session load of {@code bin/bench}: many connections, each its own client session
 * ({@link SessionScript}), driven by as few threads as the machine has cores, each a
 * {@link Selector} over its share of the connections (HTTP/1.1 keep-alive, one request in flight
 * per connection, no pipelining). wrk runs session.lua with one thread per connection, because its
 * Lua state is per thread; 64 threads on two cores drove a bare {@code /hello} at 0.73 to 0.83 of
 * what plain {@code wrk -t2} drives (docs/PERFORMANCE.md). Here the state is per connection, so the
 * threads are few.
 *
 * <p>Latency is from writing a request to reading its whole answer, in a closed loop as wrk's (no
 * correction for coordinated omission), recorded in an HdrHistogram. Errors are counted as wrk
 * counts them (connect, read, write, timeout after {@link #TIMEOUT_NANOS}, and answers of status
 * 400 and above). A broken connection is opened again at once (a refused one after
 * {@link #RECONNECT_PAUSE_NANOS}); unlike wrk, a request that times out also closes its
 * connection, which could otherwise hang for the rest of the run. The generator's CPU is this
 * process's (it runs in the bench's own JVM: its JIT and GC count).
 */
final class SessionGenerator {

    static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** After a refused connection: a server that is down is not called in a busy loop. */
    private static final long RECONNECT_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Path log;
    private final int threads;
    private final long timeoutNanos;

    /** {@code log}: where each run's spec and result are appended; {@code threads}: at most this many selector threads. */
    SessionGenerator(Path log, int threads) {
        this(log, threads, TIMEOUT_NANOS);
    }

    /** {@code timeoutNanos}: a connection or an answer that takes longer is an error (wrk's --timeout). */
    SessionGenerator(Path log, int threads, long timeoutNanos) {
        this.log = log;
        this.threads = threads;
        this.timeoutNanos = timeoutNanos;
    }

    WrkRunner.Run run(WrkRunner.Spec spec) throws IOException, InterruptedException {
        int connections = spec.connections();
        int workers = Math.min(threads, connections);
        List<Worker> all = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            all.add(new Worker(timeoutNanos));
        }
        // A new seed each run, as session.lua's: a warm-up run and the measured run after it do not send the same keys.
        long seed = java.util.concurrent.ThreadLocalRandom.current().nextLong();
        for (int i = 0; i < connections; i++) {
            String target = spec.targets().get(i % spec.targets().size());
            SessionScript session = new SessionScript(i, connections, target, spec.mode(), spec.dialect(), spec.keys(),
                    spec.valueSize(), spec.reads(), seed);
            all.get(i % workers).connections.add(new Connection(address(target), session));
        }
        double cpuBefore = ProcessCpu.ownSeconds(ProcessHandle.current().pid());
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(spec.seconds());
        List<Thread> running = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            Worker worker = all.get(w);
            Thread thread = new Thread(() -> worker.run(deadline), "session-generator-" + w);
            thread.setDaemon(true);
            thread.start();
            running.add(thread);
        }
        long joinBy = deadline + TimeUnit.SECONDS.toNanos(WrkRunner.GRACE_SECONDS);
        for (Thread thread : running) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinBy - System.nanoTime())));
            if (thread.isAlive()) {
                throw new IllegalStateException("the session generator did not stop within " + WrkRunner.GRACE_SECONDS
                        + " s of its deadline");
            }
        }
        long elapsed = System.nanoTime() - started;
        double cpu = ProcessCpu.ownSeconds(ProcessHandle.current().pid()) - cpuBefore;
        for (Worker worker : all) {
            if (worker.failure != null) {
                throw new IllegalStateException("the session generator failed", worker.failure);
            }
        }
        WrkResult result = summarize(all, elapsed);
        String line = String.format(Locale.ROOT, "$ session generator: %d connections on %d threads, %s %s, targets %s, "
                + "%d s: %d requests, %.0f req/s, statuses %s, errors %s, %.1f s of CPU%n", connections, workers,
                spec.mode(), spec.dialect(), String.join(",", spec.targets()), spec.seconds(), result.requests(),
                result.requestsPerSecond(), result.statuses(), result.errors(), cpu);
        Files.writeString(log, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return new WrkRunner.Run(result, cpu, line);
    }

    private static InetSocketAddress address(String target) {
        NodeAddress node = NodeAddress.parse(target);
        return new InetSocketAddress(node.host(), node.port());
    }

    /** Latencies up to twice the timeout, three significant digits (one shape for the workers and their sum). */
    private static Histogram latencyHistogram() {
        return new Histogram(TimeUnit.NANOSECONDS.toMicros(TIMEOUT_NANOS) * 2, 3);
    }

    private static WrkResult summarize(List<Worker> workers, long elapsedNanos) {
        Histogram latency = latencyHistogram();
        Map<String, Long> errors = WrkResult.noErrors(0);
        Map<String, Long> statuses = new TreeMap<>();
        long bytes = 0;
        long misses = 0;
        long unwritten = 0;
        for (Worker worker : workers) {
            latency.add(worker.latency);
            bytes += worker.bytes;
            worker.errors.forEach((kind, n) -> errors.merge(kind, n, Long::sum));
            for (Connection c : worker.connections) {
                c.session.statuses().forEach((status, n) -> {
                    statuses.merge(Integer.toString(status), n, Long::sum);
                    if (status >= 400) {
                        errors.merge("status", n, Long::sum);
                    }
                });
                misses += c.session.misses();
                unwritten += c.session.unwritten();
            }
        }
        long requests = latency.getTotalCount();
        WrkResult.Latency l = requests == 0
                ? new WrkResult.Latency(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN)
                : new WrkResult.Latency(latency.getMean(), latency.getValueAtPercentile(50),
                        latency.getValueAtPercentile(90), latency.getValueAtPercentile(99),
                        latency.getValueAtPercentile(99.9), latency.getMaxValue());
        return new WrkResult(requests, TimeUnit.NANOSECONDS.toMicros(elapsedNanos), bytes, errors, statuses, misses,
                unwritten, l);
    }

    /** One connection and its session. */
    private static final class Connection {
        final InetSocketAddress address;
        final SessionScript session;
        final HttpAnswerReader reader = new HttpAnswerReader();
        SocketChannel channel;
        SelectionKey key;
        ByteBuffer pending;
        /** When the request in flight was written, or the connection began to open. */
        long sentAt;
        long reconnectAt;
        boolean connecting;
        boolean finished;

        Connection(InetSocketAddress address, SessionScript session) {
            this.address = address;
            this.session = session;
        }
    }

    /** One selector thread and its connections. */
    private static final class Worker {
        final List<Connection> connections = new ArrayList<>();
        final Histogram latency = latencyHistogram();
        final Map<String, Long> errors = new TreeMap<>();
        final long timeoutNanos;
        long bytes;
        volatile Throwable failure;

        Worker(long timeoutNanos) {
            this.timeoutNanos = timeoutNanos;
        }

        void run(long deadline) {
            try (Selector selector = Selector.open()) {
                try {
                    loop(selector, deadline);
                } finally {
                    for (Connection c : connections) {
                        closeChannel(c);
                    }
                }
            } catch (Throwable e) {
                failure = e;
            }
        }

        private void loop(Selector selector, long deadline) throws IOException {
            for (Connection c : connections) {
                open(selector, c, System.nanoTime());
            }
            long now = System.nanoTime();
            while (now < deadline && !allFinished()) {
                selector.select(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(deadline - now), 50)));
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection c = (Connection) key.attachment();
                    if (key.isValid() && key.isConnectable()) {
                        connected(selector, c);
                    } else {
                        if (key.isValid() && key.isWritable()) {
                            write(c);
                        }
                        if (key.isValid() && key.isReadable()) {
                            read(selector, c);
                        }
                    }
                }
                selector.selectedKeys().clear();
                now = System.nanoTime();
                for (Connection c : connections) {
                    if (c.finished) {
                        continue;
                    }
                    if (c.channel == null && now >= c.reconnectAt) {
                        open(selector, c, now);
                    } else if (c.channel != null && now - c.sentAt > timeoutNanos) {
                        broken(c, c.connecting ? "connect" : "timeout", now, 0);
                    }
                }
            }
        }

        private boolean allFinished() {
            for (Connection c : connections) {
                if (!c.finished) {
                    return false;
                }
            }
            return true;
        }

        /** Starts opening the connection (non-blocking: a connect that hangs ends at the timeout). */
        private void open(Selector selector, Connection c, long now) throws IOException {
            if (c.session.done()) {
                c.finished = true;
                return;
            }
            c.reader.reset();
            c.sentAt = now;
            try {
                c.channel = SocketChannel.open();
                c.channel.configureBlocking(false);
                c.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                c.connecting = !c.channel.connect(c.address);
            } catch (IOException e) {
                broken(c, "connect", now, RECONNECT_PAUSE_NANOS);
                return;
            }
            c.key = c.channel.register(selector, c.connecting ? SelectionKey.OP_CONNECT : SelectionKey.OP_READ, c);
            if (!c.connecting) {
                send(c);
            }
        }

        private void connected(Selector selector, Connection c) throws IOException {
            try {
                c.channel.finishConnect();
            } catch (IOException e) {
                broken(c, "connect", System.nanoTime(), RECONNECT_PAUSE_NANOS);
                return;
            }
            c.connecting = false;
            c.key.interestOps(SelectionKey.OP_READ);
            send(c);
        }

        private void send(Connection c) throws IOException {
            if (c.session.done()) {
                c.finished = true;
                closeChannel(c);
                return;
            }
            c.pending = ByteBuffer.wrap(c.session.request());
            c.sentAt = System.nanoTime();
            write(c);
        }

        private void write(Connection c) throws IOException {
            try {
                c.channel.write(c.pending);
            } catch (IOException e) {
                broken(c, "write", System.nanoTime(), 0);
                return;
            }
            c.key.interestOps(c.pending.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        private void read(Selector selector, Connection c) throws IOException {
            int n;
            HttpAnswerReader.Answer answer;
            try {
                n = c.channel.read(c.reader.buffer());
                answer = c.reader.next(c.session.readsBodies(), n < 0);
            } catch (IOException | RuntimeException e) {
                broken(c, "read", System.nanoTime(), 0); // broken, or not HTTP: the connection starts over
                return;
            }
            boolean ended = n < 0;
            bytes += Math.max(0, n);
            if (answer == null) {
                if (ended) {
                    broken(c, "read", System.nanoTime(), 0);
                }
                return;
            }
            long now = System.nanoTime();
            latency.recordValue(Math.min(latency.getHighestTrackableValue(), Math.max(1, (now - c.sentAt) / 1_000)));
            c.session.answered(answer.status(), answer.body());
            // An answer before the whole request was written (the server did not read it all) or
            // a closing server: what is left of the connection is no good, a new one is opened.
            if (answer.close() || ended || c.pending.hasRemaining()) {
                closeChannel(c);
                c.reconnectAt = now;
                return;
            }
            send(c);
        }

        /** Counts the error and opens the connection again after {@code pause} (its request counts as lost, as wrk's). */
        private void broken(Connection c, String kind, long now, long pause) {
            errors.merge(kind, 1L, Long::sum);
            closeChannel(c);
            c.reconnectAt = now + pause;
        }

        private static void closeChannel(Connection c) {
            if (c.channel != null) {
                try {
                    c.channel.close();
                } catch (IOException e) {
                    // closing: nothing to do
                }
                c.channel = null;
                c.connecting = false;
            }
        }
    }
}
