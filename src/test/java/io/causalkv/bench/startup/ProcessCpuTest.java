package io.causalkv.bench.startup;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The start-up benchmark's CPU readings, on this test's own process. */
class ProcessCpuTest {

    @Test
    void readsUtimeAndStimeOfAStatLine() {
        // a command name with a space and a parenthesis; utime 1234, stime 56
        String stat = "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 56 7 8 20 0 30 0 100 0 0";
        org.junit.jupiter.api.Assertions.assertEquals(12.90, ProcessCpu.statLineSeconds(stat), 1e-9);
    }

    @Test
    void readsTheProcessCpuAndSplitsItByKindOfThread() {
        ProcessHandle self = ProcessHandle.current();
        double before = ProcessCpu.seconds(self);
        long sink = 0;
        // 0.3 s of this thread's own CPU, however busy the machine (a wall-clock 0.3 s got 0.18 s
        // of CPU while another build ran); bounded all the same.
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuEnd = threads.getCurrentThreadCpuTime() + 300_000_000L;
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (threads.getCurrentThreadCpuTime() < cpuEnd && System.nanoTime() < deadline) {
            sink += Long.numberOfTrailingZeros(sink + System.nanoTime());
        }
        double after = ProcessCpu.seconds(self);
        assertTrue(after - before >= 0.2, "the process used " + (after - before) + " s (" + sink + ")");

        Map<String, Double> byThread = ProcessCpu.byThread(self);
        assertTrue(byThread.getOrDefault("main", 0.0) + byThread.getOrDefault("other", 0.0) >= 0.2,
                "this thread's 0.3 s is in its kind: " + byThread);
        assertTrue(byThread.containsKey("jit"), byThread.toString());
        double sum = byThread.values().stream().mapToDouble(Double::doubleValue).sum();
        // Live threads only: the CPU of threads that have ended is in the total, not in the split.
        assertTrue(sum > 0 && sum <= ProcessCpu.seconds(self) + 0.05, sum + " against " + byThread);
    }

    @Test
    void aProcessThatIsGoneReadsAsNotANumber() throws Exception {
        Process done = new ProcessBuilder("true").start();
        done.waitFor();
        ProcessHandle handle = done.toHandle();
        assertTrue(Double.isNaN(ProcessCpu.seconds(handle)));
    }
}
