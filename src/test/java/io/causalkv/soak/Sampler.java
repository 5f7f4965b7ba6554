package io.causalkv.soak;

import io.causalkv.testing.Cluster;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes a {@link Sample} every few seconds on its own thread and appends it to a TSV file as it
 * goes, so a run that fails half-way still leaves its figures.
 *
 * <p>The heap is read just after {@code System.gc()}: without it, "used" is mostly garbage
 * that has not been collected yet, and its level says more about the collector's timing than
 * about what the nodes keep. The full collection pauses every node for some tens of ms, well
 * under the 400 ms peer ping timeout.
 */
final class Sampler implements AutoCloseable {

    private final Cluster cluster;
    private final Duration interval;
    private final BufferedWriter tsv;
    private final long origin = System.nanoTime();
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile int epoch;
    private volatile String phase = "start";

    Sampler(Cluster cluster, Duration interval, Path file) throws IOException {
        this.cluster = cluster;
        this.interval = interval;
        Files.createDirectories(file.getParent());
        this.tsv = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        tsv.write(Sample.header(cluster.size()));
        tsv.newLine();
        this.thread = new Thread(this::run, "soak-sampler");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** What the next samples are labelled with. */
    void phase(int epoch, String phase) {
        this.epoch = epoch;
        this.phase = phase;
    }

    private void run() {
        long next = System.nanoTime();
        while (running) {
            sampleNow();
            next += interval.toNanos();
            long wait = (next - System.nanoTime()) / 1_000_000;
            if (wait > 0) {
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Takes one sample now (also called by the test at the end, with the load stopped). */
    synchronized Sample sampleNow() {
        System.gc();
        double heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        List<NodeReading> nodes = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
            nodes.add(cluster.isRunning(i) ? NodeReading.scrape(cluster.url(i, "/metrics")) : NodeReading.NONE);
        }
        Sample sample = new Sample((System.nanoTime() - origin) / 1e9, epoch, phase, heap, threads, nodes);
        samples.add(sample);
        try {
            tsv.write(sample.tsv());
            tsv.newLine();
            tsv.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sample;
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    @Override
    public void close() throws IOException {
        stop();
    }

    /** Stops sampling and closes the file; samples() still answers. */
    void stop() throws IOException {
        if (!running) {
            return;
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            tsv.close();
        }
    }
}
