package io.causalkv.bench.wrk;

import io.causalkv.bench.startup.ProcessCpu;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs wrk once and reads what it measured, with the CPU time wrk itself used: wrk runs under
 * {@code bash -c}, which, once wrk has exited and been waited for, prints its own cutime + cstime
 * ({@code /proc/$$/stat} fields 16 and 17: the CPU of its waited-for children, i.e. wrk's).
 *
 * <p>A load ({@code mode load}) ends when every thread has written its share of the keys: each
 * says so on stderr ("wrk-thread-done"), and once all have, wrk is interrupted (SIGINT, as Ctrl-C
 * does), because wrk itself runs out its {@code -d} whatever its threads do. Every run has a
 * deadline: its duration plus {@link #GRACE_SECONDS}; past it, wrk is killed and the run fails.
 */
final class WrkRunner {

    static final int GRACE_SECONDS = 30;
    private static final String CPU_PREFIX = "wrk-cpu-ticks ";
    private static final String THREAD_DONE = "wrk-thread-done";
    private static final String WRAPPER = "wrk \"$@\"; rc=$?; awk '{ print \"" + CPU_PREFIX
            + "\" ($16 + $17) }' /proc/$$/stat; exit $rc";

    /**
     * One wrk run. {@code script} null: plain wrk ({@code --latency}, GET of {@code path} on the
     * first target); else session.lua with {@code mode dialect keys valueSize reads}, one thread per
     * connection, threads spread over {@code targets}.
     */
    record Spec(List<String> targets, int threads, int connections, int seconds, Path script, String path, String mode,
                String dialect, int keys, int valueSize, double reads) {

        static Spec plain(String target, int threads, int connections, int seconds, String path) {
            return new Spec(List.of(target), threads, connections, seconds, null, path, "plain", "-", 0, 0, 0);
        }

        static Spec session(Path script, List<String> targets, int connections, int seconds, String mode,
                String dialect, int keys, int valueSize, double reads) {
            return new Spec(targets, connections, connections, seconds, script, "/", mode, dialect, keys, valueSize,
                    reads);
        }

        Spec seconds(int seconds) {
            return new Spec(targets, threads, connections, seconds, script, path, mode, dialect, keys, valueSize, reads);
        }

        List<String> command() {
            List<String> command = new ArrayList<>(List.of("bash", "-c", WRAPPER, "bash", "-t" + threads,
                    "-c" + connections, "-d" + seconds + "s", "--timeout", "10s"));
            String url = "http://" + targets.get(0) + path;
            if (script == null) {
                command.addAll(List.of("--latency", url));
            } else {
                command.addAll(List.of("-s", script.toString(), url, "--", mode, dialect, Integer.toString(keys),
                        Integer.toString(valueSize), String.format(Locale.ROOT, "%.3f", reads),
                        Integer.toString(threads)));
            }
            return command;
        }
    }

    /** What a run measured, the CPU seconds wrk used, and its output. */
    record Run(WrkResult result, double generatorCpuSeconds, String output) {
    }

    private final Path log;

    /** {@code log}: where each run's command and output are appended. */
    WrkRunner(Path log) {
        this.log = log;
    }

    Run run(Spec spec) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(spec.command());
        builder.environment().put("WRK_TARGETS", String.join(",", spec.targets()));
        Process process = builder.start();
        try {
            StringBuilder out = new StringBuilder();
            StringBuilder err = new StringBuilder();
            AtomicInteger done = new AtomicInteger();
            int expectedDone = spec.mode().equals("load") ? spec.threads() : -1;
            Thread outReader = reader(process.getInputStream(), out, line -> { });
            Thread errReader = reader(process.getErrorStream(), err, line -> {
                if (line.startsWith(THREAD_DONE) && done.incrementAndGet() == expectedDone) {
                    interrupt(process);
                }
            });
            if (!process.waitFor(spec.seconds() + GRACE_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("wrk did not end within " + (spec.seconds() + GRACE_SECONDS) + " s: "
                        + spec.command());
            }
            outReader.join(5_000);
            errReader.join(5_000);
            String output = out.toString();
            java.nio.file.Files.writeString(log, "$ WRK_TARGETS=" + String.join(",", spec.targets()) + " "
                    + String.join(" ", spec.command().subList(4, spec.command().size())) + "\n" + output + err + "\n",
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("wrk failed (exit " + process.exitValue() + "): " + output + err);
            }
            WrkResult result = spec.script() == null ? WrkResult.parsePlain(output) : WrkResult.parse(output);
            return new Run(result, cpuSeconds(output), output);
        } finally {
            if (process.isAlive()) {
                kill(process);
            }
        }
    }

    static double cpuSeconds(String output) {
        return output.lines().filter(l -> l.startsWith(CPU_PREFIX)).findFirst()
                .map(l -> Long.parseLong(l.substring(CPU_PREFIX.length()).trim()) / ProcessCpu.TICKS_PER_SECOND)
                .orElse(Double.NaN);
    }

    /**
     * SIGINT to wrk, which then stops its threads and reports. Until wrk exits it is the wrapper's
     * only child (awk runs after it), so no name check: /proc may hide the command's name.
     */
    private static void interrupt(Process wrapper) {
        for (ProcessHandle child : wrapper.children().toList()) {
            try {
                new ProcessBuilder("kill", "-INT", Long.toString(child.pid())).start().waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static Thread reader(java.io.InputStream in, StringBuilder sink, java.util.function.Consumer<String> onLine) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    synchronized (sink) {
                        sink.append(line).append('\n');
                    }
                    onLine.accept(line);
                }
            } catch (IOException e) {
                // the process is gone: what was read stands
            }
        }, "wrk-output");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
