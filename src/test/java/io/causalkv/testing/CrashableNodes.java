package io.causalkv.testing;

import java.io.IOException;

/** Nodes that are real processes: killed with SIGKILL and started again on their address. */
public interface CrashableNodes extends Nodes {

    /** SIGKILL, then waits (bounded) for the process to be gone. */
    void kill9(int i);

    /** Starts node {@code i} again (same address and settings) and returns its start time (nanoTime) once it answers /ready. */
    long restart(int i) throws IOException;
}
