package io.causalkv.bench.startup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of a process and its descendants, all threads (JIT compilers and GC included), read
 * from {@code /proc/PID/stat}: what a node's start costs the machine, which wall time on a shared
 * two-core machine hides.
 */
public final class ProcessCpu {

    /** Linux reports utime and stime in clock ticks of USER_HZ, 100 on every mainstream kernel. */
    public static final double TICKS_PER_SECOND = 100.0;

    private ProcessCpu() {
    }

    /** Seconds of CPU used so far by {@code process} and its descendants; NaN where /proc is missing. */
    static double seconds(ProcessHandle process) {
        double total = ownSeconds(process.pid());
        for (ProcessHandle child : (Iterable<ProcessHandle>) process.descendants()::iterator) {
            total += ownSeconds(child.pid());
        }
        return total;
    }

    /** The sum over {@code pids} (each with its descendants); NaN if one of them is gone. */
    public static double seconds(java.util.Collection<Long> pids) {
        double total = 0;
        for (long pid : pids) {
            total += ProcessHandle.of(pid).map(ProcessCpu::seconds).orElse(Double.NaN);
        }
        return total;
    }

    /**
     * CPU seconds of a process's threads by kind (the main thread, which deploys the webapp; the
     * JIT compilers; the collector and VM threads; Jetty's request threads; the node's own
     * threads), to show where a start's CPU goes. Live threads only: a thread that has ended
     * counts in {@link #seconds} but not here (few have, at a node's first answer).
     */
    static java.util.Map<String, Double> byThread(ProcessHandle process) {
        java.util.Map<String, Double> kinds = new java.util.TreeMap<>();
        Path tasks = Path.of("/proc", Long.toString(process.pid()), "task");
        try (java.util.stream.Stream<Path> threads = Files.list(tasks)) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                String name = Files.readString(thread.resolve("comm")).trim();
                kinds.merge(kind(name), statSeconds(thread.resolve("stat")), Double::sum);
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone: what was read stands
        }
        return kinds;
    }

    private static String kind(String thread) {
        if (thread.equals("java") || thread.equals("main")) {
            return "main";
        }
        if (thread.startsWith("C1 ") || thread.startsWith("C2 ")) {
            return "jit";
        }
        if (thread.startsWith("VM ") || thread.startsWith("GC ") || thread.contains("Thread#")) {
            return "vm";
        }
        if (thread.startsWith("qtp")) {
            return "requests";
        }
        return "other";
    }

    /** Seconds of CPU used so far by the process {@code pid} alone (every thread), without its descendants. */
    public static double ownSeconds(long pid) {
        return statSeconds(Path.of("/proc", Long.toString(pid), "stat"));
    }

    private static double statSeconds(Path statFile) {
        try {
            return statLineSeconds(Files.readString(statFile));
        } catch (IOException | RuntimeException e) {
            return Double.NaN; // the process is gone
        }
    }

    /** utime + stime of one {@code /proc/PID/stat} line, in seconds. */
    static double statLineSeconds(String stat) {
        // The command name (field 2) may hold spaces; the fields after its closing ')' do not.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 (state): utime is field 14, stime field 15.
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }
}
