package io.causalkv.bench.wrk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/**
 * CPU time of processes (all their threads), from {@code /proc/PID/stat}: utime + stime, fields
 * 14 and 15 (proc(5)), in clock ticks. Read before and after a measured run, it tells what the
 * servers spent on it, which other load on a shared machine disturbs much less than throughput.
 */
final class ProcessTicks {

    /** USER_HZ: 100 on every mainstream Linux kernel (getconf CLK_TCK). */
    static final double TICKS_PER_SECOND = 100.0;

    private ProcessTicks() {
    }

    /** The sum over {@code pids}; a process that is gone counts as nothing. */
    static long ticks(Collection<Long> pids) {
        long sum = 0;
        for (long pid : pids) {
            try {
                sum += parse(Files.readString(Path.of("/proc", Long.toString(pid), "stat")));
            } catch (IOException e) {
                // ended: nothing to add
            }
        }
        return sum;
    }

    static double seconds(Collection<Long> pids) {
        return ticks(pids) / TICKS_PER_SECOND;
    }

    /** utime + stime of one stat line; the command name (field 2) may hold spaces, so fields count from its ')'. */
    static long parse(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
        // fields[0] is field 3 (state): field n is fields[n - 3]
        return Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
    }
}
