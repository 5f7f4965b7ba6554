package io.causalkv.bench;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.function.ToIntBiFunction;

/**
 * Runs one phase: {@code connections} sessions on their own threads, spread round-robin over the
 * targets, each issuing requests back to back for the warm-up (not recorded) and then for the
 * measured duration; the workers' recorders are merged at the end.
 */
final class LoadRun {

    /** What one request of the phase is, given the session and a random source. */
    @FunctionalInterface
    interface Operation extends ToIntBiFunction<Session, SplittableRandom> {
    }

    private final BenchConfig config;
    private final HttpClient client;

    LoadRun(BenchConfig config, HttpClient client) {
        this.config = config;
        this.client = client;
    }

    PhaseResult run(String name, Operation operation) throws InterruptedException {
        return run(name, config.targets(), operation);
    }

    /** Like {@link #run(String, Operation)}, with the sessions spread over {@code targets} only. */
    PhaseResult run(String name, List<String> targets, Operation operation) throws InterruptedException {
        List<LatencyRecorder> recorders = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        CountDownLatch started = new CountDownLatch(config.connections());
        long warmupEnds = System.nanoTime() + config.warmup().toNanos();
        long ends = warmupEnds + config.duration().toNanos();
        for (int i = 0; i < config.connections(); i++) {
            LatencyRecorder recorder = new LatencyRecorder();
            recorders.add(recorder);
            Session session = new Session(client, targets.get(i % targets.size()), config.dialect());
            SplittableRandom random = new SplittableRandom(i * 7919L + name.hashCode());
            Thread worker = new Thread(() -> {
                started.countDown();
                long now = System.nanoTime();
                while (now < ends) {
                    int status = operation.applyAsInt(session, random);
                    long done = System.nanoTime();
                    if (now >= warmupEnds) {
                        recorder.record(done - now, status);
                    }
                    now = done;
                }
            }, "bench-" + name + "-" + i);
            workers.add(worker);
            worker.start();
        }
        started.await();
        for (Thread worker : workers) {
            worker.join();
        }
        LatencyRecorder all = new LatencyRecorder();
        recorders.forEach(all::add);
        return all.summarize(name, config.duration().toNanos() / 1e9);
    }
}
