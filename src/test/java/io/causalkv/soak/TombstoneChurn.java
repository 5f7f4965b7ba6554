package io.causalkv.soak;

import io.causalkv.testing.Http;
import io.causalkv.testing.Nodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stream of fresh keys, each written once and then deleted, by one client session carrying
 * {@code kvs} causal metadata: every key it deletes leaves a tombstone behind at each replica of
 * its shard. Not recorded in a history (its keys are never read); it only counts.
 *
 * <p>The PUT and the DELETE of a key go to the same node, as one client of one node would send
 * them. A session whose metadata a write lost in a crash made unservable (every node answers
 * 503 to it, for good) starts afresh after a few seconds of refusals, as a client would.
 */
final class TombstoneChurn implements AutoCloseable {

    private static final Duration PACE = Duration.ofMillis(20);
    private static final Duration GIVE_UP_SESSION_AFTER = Duration.ofSeconds(3);
    private static final int DELETE_ATTEMPTS = 3;

    private final Nodes nodes;
    private final Random random;
    private final Thread thread;
    private volatile boolean running = true;
    private String metadata = "null";
    private long refusedSince = -1;

    private final AtomicInteger written = new AtomicInteger();
    private final AtomicInteger deleteSent = new AtomicInteger();
    private final AtomicInteger deleted = new AtomicInteger();
    private final AtomicLong sessionRestarts = new AtomicLong();
    /** The longest causal metadata the session carried since {@link #metadataPeak()} last read it. */
    private final AtomicInteger metadataPeak = new AtomicInteger();

    TombstoneChurn(Nodes nodes, long seed) {
        this.nodes = nodes;
        this.random = new Random(seed);
        this.thread = new Thread(this::run, "soak-churn");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void run() {
        for (int n = 0; running; n++) {
            String node = randomRunningNode();
            if (node != null) {
                String key = "churn" + n;
                if (send("PUT", node, key, "{\"value\":" + n + ",\"causal-metadata\":" + metadata + "}") / 100 == 2) {
                    written.incrementAndGet();
                }
                deleteSent.incrementAndGet();
                for (int attempt = 0; attempt < DELETE_ATTEMPTS && running; attempt++) {
                    int status = send("DELETE", node, key, "{\"causal-metadata\":" + metadata + "}");
                    if (status == 200 || status == 404) {
                        deleted.incrementAndGet();
                        break;
                    }
                    pause(PACE);
                }
            }
            pause(PACE);
        }
    }

    private int send(String method, String node, String key, String body) {
        int status;
        String text;
        try {
            Http.Reply reply = Http.send(method, "http://" + node + "/kvs/" + key, body);
            status = reply.status();
            text = reply.body();
        } catch (RuntimeException e) {
            return -1;
        }
        if (status == 200 || status == 201 || status == 404) {
            var json = Http.json(text);
            if (json.has("causal-metadata")) {
                metadata = json.get("causal-metadata").toString();
                metadataPeak.accumulateAndGet(metadata.length(), Math::max);
            }
            refusedSince = -1;
        } else if (status == 503) {
            long now = System.nanoTime();
            if (refusedSince < 0) {
                refusedSince = now;
            } else if (now - refusedSince > GIVE_UP_SESSION_AFTER.toNanos()) {
                metadata = "null";
                refusedSince = -1;
                sessionRestarts.incrementAndGet();
            }
        }
        return status;
    }

    private String randomRunningNode() {
        List<Integer> up = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.isRunning(i)) {
                up.add(i);
            }
        }
        return up.isEmpty() ? null : nodes.address(up.get(random.nextInt(up.size())));
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Keys written with an acknowledged PUT. */
    int written() {
        return written.get();
    }

    /** Distinct keys a DELETE was sent for (whatever its answer): an upper bound on their tombstones. */
    int deleteSent() {
        return deleteSent.get();
    }

    /** Keys whose DELETE was answered 200 or 404. */
    int deleted() {
        return deleted.get();
    }

    /**
     * The longest metadata (JSON characters) the session carried since the last call: with a
     * node restarted every few epochs, it would grow by an entry per incarnation unless the
     * dead ones are sealed (issue 17).
     */
    int metadataPeak() {
        return metadataPeak.getAndSet(metadata.length());
    }

    long sessionRestarts() {
        return sessionRestarts.get();
    }

    @Override
    public void close() {
        stop();
    }

    /** Stops after the key in hand (bounded: at most a few requests of 10 s each). */
    void stop() {
        running = false;
        try {
            thread.join(45_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
