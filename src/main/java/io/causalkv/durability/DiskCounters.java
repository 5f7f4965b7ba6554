package io.causalkv.durability;

import java.util.concurrent.atomic.LongAdder;

/** The fsyncs a node's logs made and the time they took, for /metrics: their ratio is the fsync latency. */
public final class DiskCounters {

    private final LongAdder fsyncs = new LongAdder();
    private final LongAdder fsyncNanos = new LongAdder();

    void fsynced(long nanos) {
        fsyncs.increment();
        fsyncNanos.add(nanos);
    }

    public long fsyncs() {
        return fsyncs.sum();
    }

    public double fsyncSeconds() {
        return fsyncNanos.sum() / 1e9;
    }
}
