package io.causalkv.api.ops;

import io.causalkv.durability.DataDirectory;
import io.causalkv.durability.DiskCounters;
import io.causalkv.keys.Acknowledgements;
import io.causalkv.node.Node;
import io.causalkv.node.NodeGauges;
import io.causalkv.node.NodeStatus;
import io.causalkv.transport.CountingPeerClient;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * One node's metrics, in a registry of its own (several nodes share a JVM in tests): requests by
 * dialect, method and status with a latency histogram, and gauges read from the node when
 * scraped (keys, tombstones, buffered writes, replication queue and lag, peers by state), and
 * counters of the calls this node made to its peers and of the writes its replication sent.
 */
public final class NodeMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** One timer per (dialect, method, status): a bounded set, looked up without the registry. */
    private final java.util.Map<String, Timer> timers = new java.util.concurrent.ConcurrentHashMap<>();

    public NodeMetrics(Node node) {
        gauge("causalkv.keys", "Live keys in this node's replica", node, NodeGauges::keys);
        gauge("causalkv.tombstones", "Deleted keys whose tombstones this replica keeps", node, NodeGauges::tombstones);
        gauge("causalkv.delivery.buffer", "Replicated writes waiting for their causal dependencies", node, NodeGauges::buffered);
        gauge("causalkv.staged.writes", "Replicated writes held unseen until their sender is in stable contact (API.md 10.3)",
                node, NodeGauges::staged);
        gauge("causalkv.replication.queue", "Writes waiting to be sent to the shard's other replicas", node,
                NodeGauges::replicationQueue);
        gauge("causalkv.replication.lag.seconds", "How long the oldest unsent write has waited (upper bound)", node,
                NodeGauges::replicationLagSeconds);
        for (NodeStatus.State state : NodeStatus.State.values()) {
            Gauge.builder("causalkv.peers", node, n -> n.gauges().peers().getOrDefault(state, 0))
                    .description("Other nodes of the view, by state")
                    .tag("state", state.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        for (CountingPeerClient.Call call : CountingPeerClient.Call.values()) {
            FunctionCounter.builder("causalkv.peer.calls", node.peerTraffic(), traffic -> traffic.calls(call))
                    .description("Calls this node made to its peers, by kind")
                    .tag("call", call.name().toLowerCase(Locale.ROOT))
                    .register(registry);
        }
        FunctionCounter.builder("causalkv.requests.direct", direct, java.util.concurrent.atomic.LongAdder::sum)
                .description("Key requests answered in front of Jersey (the rest of the key requests went through it)")
                .register(registry);
        FunctionCounter.builder("causalkv.replication.writes.sent", node.peerTraffic(), CountingPeerClient::replicatedWrites)
                .description("Writes sent in replication batches (once per peer); over peer calls{call=replicate}: writes per batch")
                .register(registry);
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            // The whole process's CPU time (with several nodes in one JVM, as in tests, theirs together):
            // over a benchmark phase, divided by its requests, the cost of a request, whatever else runs.
            FunctionCounter.builder("process.cpu", os, bean -> bean.getProcessCpuTime() / 1e9)
                    .baseUnit("seconds")
                    .description("CPU time this process has used")
                    .register(registry);
        }
        FunctionCounter.builder("causalkv.sync.entries.received", node.peerTraffic(), CountingPeerClient::syncedEntries)
                .description("Entries received in sync answers (anti-entropy, state fetches): what repair costs")
                .register(registry);
        FunctionCounter.builder("causalkv.handoff.entries.received", node, Node::handedOverEntriesReceived)
                .description("Entries this node took from reshard hand-overs (from peers or itself): copies of moved keys")
                .register(registry);
        FunctionCounter.builder("causalkv.writes.acknowledged", node.acknowledgements(), Acknowledgements::peerHeld)
                .description("Writes acknowledged under KVS_WRITE_ACKS=2, by copies held when answered (2: a peer held it too)")
                .tag("copies", "2")
                .register(registry);
        FunctionCounter.builder("causalkv.writes.acknowledged", node.acknowledgements(), Acknowledgements::singleCopy)
                .description("Writes acknowledged under KVS_WRITE_ACKS=2, by copies held when answered (2: a peer held it too)")
                .tag("copies", "1")
                .register(registry);
        FunctionCounter.builder("causalkv.handoff.entries.sent", node.peerTraffic(), CountingPeerClient::handedOverEntries)
                .description("Entries sent to new owners in reshards and view changes (once per receiving member)")
                .register(registry);
        node.dataDirectory().ifPresent(data -> dataDirectory(node, data));
    }

    /** With DATA_DIR (issue 18): what the logs hold, what their fsyncs cost, how old the snapshot is. */
    private void dataDirectory(Node node, DataDirectory data) {
        Gauge.builder("causalkv.log.bytes", data, DataDirectory::logBytes)
                .description("Bytes in this node's replica logs and snapshots")
                .register(registry);
        FunctionCounter.builder("causalkv.log.fsyncs", data.counters(), DiskCounters::fsyncs)
                .description("fsyncs of the replica logs (under KVS_FSYNC=batch, writers waiting together share one)")
                .register(registry);
        FunctionCounter.builder("causalkv.log.fsync", data.counters(), DiskCounters::fsyncSeconds)
                .baseUnit("seconds")
                .description("Time spent in those fsyncs; over causalkv_log_fsyncs_total, the fsync latency")
                .register(registry);
        Gauge.builder("causalkv.snapshot.age.seconds", node, Node::snapshotAgeSeconds)
                .description("Seconds since the snapshot of this node's replica log was made (NaN: none yet)")
                .register(registry);
    }

    private void gauge(String name, String description, Node node, ToDoubleFunction<NodeGauges> value) {
        Gauge.builder(name, node, n -> value.applyAsDouble(n.gauges())).description(description).register(registry);
    }

    /**
     * The metrics of the node in this webapp, shared by the Jersey application and the peer
     * servlet (each node of a test JVM has a context of its own).
     */
    public static NodeMetrics of(jakarta.servlet.ServletContext context, Node node) {
        synchronized (context) {
            if (context.getAttribute(NodeMetrics.class.getName()) instanceof NodeMetrics metrics) {
                return metrics;
            }
            NodeMetrics metrics = new NodeMetrics(node);
            context.setAttribute(NodeMetrics.class.getName(), metrics);
            return metrics;
        }
    }

    /** The method as a tag, or OTHER for anything unusual: clients choose methods, tags must stay few. */
    public static String methodTag(String method) {
        String upper = method.toUpperCase(Locale.ROOT);
        return switch (upper) {
            case "GET", "PUT", "POST", "DELETE", "HEAD", "OPTIONS", "PATCH" -> upper;
            default -> "OTHER";
        };
    }

    /** Records one answered request. */
    /** Key requests answered in front of Jersey ({@code KeyPathFilter}): how much of the key traffic takes that path. */
    private final java.util.concurrent.atomic.LongAdder direct = new java.util.concurrent.atomic.LongAdder();

    /** Records a key request answered in front of Jersey (it is also recorded by {@link #request}). */
    public void directKeyRequest() {
        direct.increment();
    }

    public void request(String dialect, String method, int status, long nanos) {
        timers.computeIfAbsent(dialect + ' ' + method + ' ' + status, k -> timer(dialect, method, status))
                .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private Timer timer(String dialect, String method, int status) {
        return Timer.builder("causalkv.requests")
                .description("Client and peer requests answered, by dialect, method and status")
                .tag("dialect", dialect)
                .tag("method", method)
                .tag("status", Integer.toString(status))
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(15))
                .register(registry);
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        return registry.scrape();
    }
}
