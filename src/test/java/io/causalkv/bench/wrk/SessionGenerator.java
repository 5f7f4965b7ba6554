package io.causalkv.bench.wrk;

import io.causalkv.bench.startup.ProcessCpu;
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
 * 400 and above), and a broken connection is opened again. The generator's CPU is this process's
 * (it runs in the bench's own JVM: its JIT and GC count).
 */
final class SessionGenerator {

    static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    private static final long RECONNECT_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long SEED = 0x5eed;

    private final Path log;
    private final int threads;

    /** {@code log}: where each run's spec and result are appended; {@code threads}: at most this many selector threads. */
    SessionGenerator(Path log, int threads) {
        this.log = log;
        this.threads = threads;
    }

    WrkRunner.Run run(WrkRunner.Spec spec) throws IOException, InterruptedException {
        int connections = spec.connections();
        int workers = Math.min(threads, connections);
        List<Worker> all = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            all.add(new Worker());
        }
        for (int i = 0; i < connections; i++) {
            String target = spec.targets().get(i % spec.targets().size());
            SessionScript session = new SessionScript(i, connections, target, spec.mode(), spec.dialect(), spec.keys(),
                    spec.valueSize(), spec.reads(), SEED);
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
        for (Thread thread : running) {
            thread.join(TimeUnit.SECONDS.toMillis(spec.seconds() + WrkRunner.GRACE_SECONDS));
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
        int colon = target.lastIndexOf(':');
        return new InetSocketAddress(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)));
    }

    private static WrkResult summarize(List<Worker> workers, long elapsedNanos) {
        Histogram latency = new Histogram(TimeUnit.NANOSECONDS.toMicros(TIMEOUT_NANOS) * 2, 3);
        Map<String, Long> errors = new TreeMap<>(Map.of("connect", 0L, "read", 0L, "write", 0L, "timeout", 0L,
                "status", 0L));
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
        long sentAt;
        long reconnectAt;
        boolean finished;

        Connection(InetSocketAddress address, SessionScript session) {
            this.address = address;
            this.session = session;
        }
    }

    /** One selector thread and its connections. */
    private static final class Worker {
        final List<Connection> connections = new ArrayList<>();
        final Histogram latency = new Histogram(TimeUnit.NANOSECONDS.toMicros(TIMEOUT_NANOS) * 2, 3);
        final Map<String, Long> errors = new TreeMap<>();
        long bytes;
        volatile Throwable failure;

        void run(long deadline) {
            try (Selector selector = Selector.open()) {
                for (Connection c : connections) {
                    open(selector, c, System.nanoTime());
                }
                long now = System.nanoTime();
                while (now < deadline && !allFinished()) {
                    selector.select(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(deadline - now), 50)));
                    for (SelectionKey key : selector.selectedKeys()) {
                        Connection c = (Connection) key.attachment();
                        if (key.isValid() && key.isWritable()) {
                            write(selector, c);
                        }
                        if (key.isValid() && key.isReadable()) {
                            read(selector, c);
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
                        } else if (c.channel != null && now - c.sentAt > TIMEOUT_NANOS) {
                            broken(c, "timeout", now);
                        }
                    }
                }
                for (Connection c : connections) {
                    closeChannel(c);
                }
            } catch (Throwable e) {
                failure = e;
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

        private void open(Selector selector, Connection c, long now) throws IOException {
            try {
                c.channel = SocketChannel.open(c.address);
            } catch (IOException e) {
                c.channel = null;
                c.reconnectAt = now + RECONNECT_PAUSE_NANOS;
                errors.merge("connect", 1L, Long::sum);
                return;
            }
            c.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c.channel.configureBlocking(false);
            c.key = c.channel.register(selector, SelectionKey.OP_READ, c);
            c.reader.reset();
            send(selector, c);
        }

        private void send(Selector selector, Connection c) throws IOException {
            if (c.session.done()) {
                c.finished = true;
                closeChannel(c);
                return;
            }
            c.pending = ByteBuffer.wrap(c.session.request());
            c.sentAt = System.nanoTime();
            write(selector, c);
        }

        private void write(Selector selector, Connection c) throws IOException {
            try {
                c.channel.write(c.pending);
            } catch (IOException e) {
                broken(c, "write", System.nanoTime());
                return;
            }
            c.key.interestOps(c.pending.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        private void read(Selector selector, Connection c) throws IOException {
            int n;
            try {
                n = c.channel.read(c.reader.buffer());
            } catch (IOException e) {
                broken(c, "read", System.nanoTime());
                return;
            }
            boolean ended = n < 0;
            bytes += Math.max(0, n);
            HttpAnswerReader.Answer answer = c.reader.next(c.session.readsBodies(), ended);
            if (answer == null) {
                if (ended) {
                    broken(c, "read", System.nanoTime());
                }
                return;
            }
            long now = System.nanoTime();
            latency.recordValue(Math.min(latency.getHighestTrackableValue(), Math.max(1, (now - c.sentAt) / 1_000)));
            c.session.answered(answer.status(), answer.body());
            if (answer.close() || ended) {
                closeChannel(c);
                c.reconnectAt = now;
                if (c.session.done()) {
                    c.finished = true;
                }
                return;
            }
            send(selector, c);
        }

        /** Counts the error and opens the connection again after a pause (its request counts as lost, as wrk's). */
        private void broken(Connection c, String kind, long now) {
            errors.merge(kind, 1L, Long::sum);
            closeChannel(c);
            c.reconnectAt = now + RECONNECT_PAUSE_NANOS;
        }

        private static void closeChannel(Connection c) {
            if (c.channel != null) {
                try {
                    c.channel.close();
                } catch (IOException e) {
                    // closing: nothing to do
                }
                c.channel = null;
            }
        }
    }
}
