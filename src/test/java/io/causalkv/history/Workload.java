package io.causalkv.history;

import io.causalkv.testing.Nodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Continuous client load on a test cluster: a few {@link RecordingSession}s, each on its own
 * thread, sending PUT, GET and DELETE to random running nodes until stopped. Each session
 * writes its own keys and a few keys all sessions share, and reads every key, so histories have
 * both per-session version chains and concurrent writes.
 */
public final class Workload implements AutoCloseable {

    private static final Duration PACE = Duration.ofMillis(4);
    private static final Duration STOP_BOUND = Duration.ofSeconds(15);
    private static final int OWN_KEYS = 3;
    private static final int SHARED_KEYS = 4;

    private final Nodes nodes;
    private final History history;
    private final List<RecordingSession> sessions = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final long seed;
    private final String keyPrefix;
    private final Set<String> keys = new TreeSet<>();

    public Workload(Nodes nodes, History history, int sessionCount, boolean oneShard, long seed) {
        this(nodes, history, sessionCount, oneShard, seed, "");
    }

    /**
     * @param keyPrefix put before every key name, so that successive workloads on one cluster
     *        (the soak's epochs, each checked on its own history) never read each other's values
     */
    public Workload(Nodes nodes, History history, int sessionCount, boolean oneShard, long seed, String keyPrefix) {
        this.nodes = nodes;
        this.history = history;
        this.seed = seed;
        this.keyPrefix = keyPrefix;
        for (int s = 0; s < sessionCount; s++) {
            sessions.add(new RecordingSession("s" + s, history, oneShard));
            for (int k = 0; k < OWN_KEYS; k++) {
                keys.add(ownKey(s, k));
            }
        }
        for (int k = 0; k < SHARED_KEYS; k++) {
            keys.add(sharedKey(k));
        }
    }

    private String ownKey(int session, int k) {
        return keyPrefix + "s" + session + "k" + k;
    }

    private String sharedKey(int k) {
        return keyPrefix + "shared" + k;
    }

    /** Every key the sessions touch. */
    public Set<String> keys() {
        return keys;
    }

    public History history() {
        return history;
    }

    public void start() {
        running.set(true);
        for (int s = 0; s < sessions.size(); s++) {
            int session = s;
            Thread thread = new Thread(() -> run(session, new Random(seed + session)), "load-" + sessions.get(s).id());
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    private void run(int s, Random random) {
        RecordingSession session = sessions.get(s);
        List<String> all = new ArrayList<>(keys);
        while (running.get()) {
            String node = randomRunningNode(random);
            if (node != null) {
                int dice = random.nextInt(100);
                String ownOrShared = random.nextInt(3) == 0 ? sharedKey(random.nextInt(SHARED_KEYS)) : ownKey(s, random.nextInt(OWN_KEYS));
                if (dice < 45) {
                    session.put(node, ownOrShared);
                } else if (dice < 93) {
                    session.get(node, all.get(random.nextInt(all.size())));
                } else {
                    session.delete(node, ownOrShared);
                }
            }
            pace();
        }
    }

    private String randomRunningNode(Random random) {
        List<Integer> up = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (nodes.isRunning(i)) {
                up.add(i);
            }
        }
        return up.isEmpty() ? null : nodes.address(up.get(random.nextInt(up.size())));
    }

    private static void pace() {
        try {
            Thread.sleep(PACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the sessions and waits (bounded) for their last operations to complete. */
    public void stop() {
        running.set(false);
        long end = System.nanoTime() + STOP_BOUND.toNanos();
        for (Thread thread : threads) {
            try {
                thread.join(Math.max(1, (end - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (thread.isAlive()) {
                throw new IllegalStateException(thread.getName() + " still running after " + STOP_BOUND);
            }
        }
    }

    @Override
    public void close() {
        running.set(false);
    }
}
