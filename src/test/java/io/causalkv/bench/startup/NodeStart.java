package io.causalkv.bench.startup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One node process of a start-up run: launched through {@code bin/cluster exec} from the run's
 * jetty.base (the way bin/cluster itself runs a node), then watched until it first answers HTTP and until its
 * {@code /ready} says true, with the CPU its process tree had spent at each moment.
 */
final class NodeStart {

    private static final int PROBE_PERIOD_MILLIS = 20;

    final int port;
    final Path base;
    private Process process;
    private long startNanos;
    private volatile long answerNanos = -1;
    private volatile long readyNanos = -1;
    private volatile double answerCpu = Double.NaN;
    private volatile double readyCpu = Double.NaN;
    private volatile Map<String, Double> answerCpuByThread = Map.of();

    NodeStart(int port, Path base) {
        this.port = port;
        this.base = base;
    }

    String address() {
        return "127.0.0.1:" + port;
    }

    void launch(Path clusterScript, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(List.of("bash", clusterScript.toString(), "exec", base.toString(),
                Integer.toString(port)))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        startNanos = System.nanoTime();
        process = builder.start();
    }

    long startNanos() {
        return startNanos;
    }

    /** Probes until the node answers /ready with 200 (or, with {@code readyToo} false, answers at all). */
    void watch(long deadlineNanos, boolean readyToo) {
        while (System.nanoTime() < deadlineNanos && process.isAlive()) {
            HttpProbe.Answer answer = HttpProbe.get(port, "/ready");
            long now = System.nanoTime();
            if (answer.answered() && answerNanos < 0) {
                answerNanos = now;
                answerCpu = ProcessCpu.seconds(process.toHandle());
                answerCpuByThread = ProcessCpu.byThread(process.toHandle());
            }
            if (answer.status() == 200 && answer.body().contains("\"ready\":true")) {
                readyNanos = now;
                readyCpu = ProcessCpu.seconds(process.toHandle());
                return;
            }
            if (answerNanos >= 0 && !readyToo) {
                return;
            }
            sleep(PROBE_PERIOD_MILLIS);
        }
    }

    /** Seconds from process start to the first answer; NaN if it never answered. */
    double answerSeconds() {
        return answerNanos < 0 ? Double.NaN : (answerNanos - startNanos) / 1e9;
    }

    double readySeconds() {
        return readyNanos < 0 ? Double.NaN : (readyNanos - startNanos) / 1e9;
    }

    double answerCpu() {
        return answerCpu;
    }

    double readyCpu() {
        return readyCpu;
    }

    /** CPU seconds by kind of thread at the first answer ({@link ProcessCpu#byThread}). */
    Map<String, Double> answerCpuByThread() {
        return answerCpuByThread;
    }

    /** Stops this run's process (and any JVM it forked) by PID: SIGTERM, then SIGKILL after 10 s. */
    void stop() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> tree = new java.util.ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                handle.destroyForcibly();
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
