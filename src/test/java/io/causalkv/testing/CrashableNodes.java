package io.causalkv.testing;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** Nodes that are real processes: killed with SIGKILL and started again on their address. */
public interface CrashableNodes extends Nodes {

    /** SIGKILL, then waits (bounded) for the process to be gone. */
    void kill9(int i);

    /** Starts node {@code i} again (same address and settings) and returns its start time (nanoTime) once it answers /ready. */
    long restart(int i) throws IOException;

    /** SIGKILL to node {@code node}'s process, then waits (bounded) until it is gone. */
    static void sigkill(Process process, int node) {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("node " + node + " (pid " + process.pid() + ") survived SIGKILL for 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
