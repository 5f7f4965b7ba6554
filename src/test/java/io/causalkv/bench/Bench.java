package io.causalkv.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * The benchmark (run by {@code bin/bench} against clusters started by {@code bin/cluster}):
 * loads the key space, then measures, each for the same time with the same connections, the
 * nodes' own {@code GET /hello} (the ceiling of Jetty + Jersey here), GETs of existing keys, and
 * a read/write mix; with several targets also one node's {@code /hello} with every connection
 * on it. Prints and writes (JSON) throughput, p50/p99/p99.9 and errors by status, every figure
 * also as a ratio to both baselines measured in the same run, and the peer traffic of each phase
 * read from the nodes' {@code /metrics} (peer calls per client request, writes per batch).
 */
public final class Bench {

    /** Tries per key when loading (status 0 is a timeout or a refused connection). */
    private static final int LOAD_ATTEMPTS = 3;

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        BenchConfig config = BenchConfig.parse(args);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String value = "\"" + "v".repeat(Math.max(0, config.valueSize() - 2)) + "\"";
        LoadRun run = new LoadRun(config, client);
        load(config, client, value);

        Map<String, ClusterCounters> traffic = new LinkedHashMap<>();
        Phases phases = new Phases(run, client, config.targets(), traffic);
        PhaseResult hello = phases.run("hello", config.targets(), (session, random) -> session.hello());
        // One node of the cluster answering every connection: the baseline "a single node's /hello"
        // of the multi-node targets, measured in this run, with the other nodes idle beside it.
        PhaseResult helloOne = config.targets().size() == 1 ? hello
                : phases.run("hello-1", config.targets().subList(0, 1), (session, random) -> session.hello());
        phases.run("get", config.targets(), (session, random) -> session.get(key(random, config)));
        phases.run("mixed", config.targets(), (session, random) -> random.nextDouble() < config.readFraction()
                ? session.get(key(random, config)) : session.put(key(random, config), value));
        report(config, phases.results, hello, helloOne, traffic);
    }

    /** Runs phases one after another, reading the cluster's counters around each. */
    private record Phases(LoadRun run, HttpClient client, List<String> nodes, Map<String, ClusterCounters> counters,
                          List<PhaseResult> results) {

        Phases(LoadRun run, HttpClient client, List<String> nodes, Map<String, ClusterCounters> counters) {
            this(run, client, nodes, counters, new java.util.ArrayList<>());
        }

        PhaseResult run(String name, List<String> targets, LoadRun.Operation operation) throws InterruptedException {
            ClusterCounters before = ClusterCounters.scrape(client, nodes);
            PhaseResult result = run.run(name, targets, operation);
            counters.put(name, ClusterCounters.scrape(client, nodes).since(before));
            results.add(result);
            return result;
        }
    }

    static String key(java.util.SplittableRandom random, BenchConfig config) {
        return "k" + random.nextInt(config.keys());
    }

    /**
     * Writes every key once, so that reads find values, retrying a failed write a few times; says
     * how the writes were answered, so that a 404 in the phases is not mistaken for a lost key.
     */
    private static void load(BenchConfig config, HttpClient client, String value) throws InterruptedException {
        int workers = Math.min(config.connections(), 32);
        Map<Integer, java.util.concurrent.atomic.LongAdder> answers = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.LongAdder unwritten = new java.util.concurrent.atomic.LongAdder();
        Thread[] threads = new Thread[workers];
        for (int w = 0; w < workers; w++) {
            int first = w;
            threads[w] = new Thread(() -> {
                Session session = new Session(client, config.targets().get(first % config.targets().size()), config.dialect());
                for (int k = first; k < config.keys(); k += workers) {
                    int status = 0;
                    for (int attempt = 0; attempt < LOAD_ATTEMPTS && (status < 200 || status > 201); attempt++) {
                        status = session.put("k" + k, value);
                        answers.computeIfAbsent(status, s -> new java.util.concurrent.atomic.LongAdder()).increment();
                    }
                    if (status < 200 || status > 201) {
                        unwritten.increment();
                    }
                }
            });
            threads[w].start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        Map<Integer, Long> byStatus = new java.util.TreeMap<>();
        answers.forEach((status, n) -> byStatus.put(status, n.sum()));
        System.out.printf(Locale.ROOT, "load: %d keys, answers %s%s%n", config.keys(), byStatus,
                unwritten.sum() == 0 ? "" : "; NOT WRITTEN after " + LOAD_ATTEMPTS + " tries: " + unwritten.sum());
    }

    private static void report(BenchConfig config, List<PhaseResult> phases, PhaseResult baseline, PhaseResult oneNode,
                               Map<String, ClusterCounters> traffic) throws Exception {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode out = mapper.createObjectNode();
        out.put("label", config.label());
        out.set("config", mapper.valueToTree(java.util.Map.of(
                "targets", config.targets(), "connections", config.connections(),
                "durationSeconds", config.duration().toSeconds(), "warmupSeconds", config.warmup().toSeconds(),
                "keys", config.keys(), "valueSize", config.valueSize(), "readFraction", config.readFraction(),
                "dialect", config.dialect())));
        var results = out.putArray("phases");
        System.out.printf(Locale.ROOT, "%s: %d connections, %d s per phase, %d keys, %d-byte values, dialect %s%n",
                config.label(), config.connections(), config.duration().toSeconds(), config.keys(), config.valueSize(),
                config.dialect());
        for (PhaseResult phase : phases) {
            ObjectNode node = mapper.valueToTree(phase);
            node.put("ratioToHello", phase.ratioTo(baseline));
            node.put("ratioToOneNodeHello", phase.ratioTo(oneNode));
            node.put("p99OverP50", phase.tailRatio());
            results.add(node);
            System.out.printf(Locale.ROOT, "  %-7s %9.0f req/s  (%.2f of hello, %.2f of one node's)  p50 %.2f ms  p99 %.2f ms"
                            + "  p99.9 %.2f ms  p99/p50 %.1f  errors %d %s%n",
                    phase.name(), phase.throughput(), phase.ratioTo(baseline), phase.ratioTo(oneNode), phase.p50Millis(), phase.p99Millis(),
                    phase.p999Millis(), phase.tailRatio(), phase.errors(), phase.statuses());
            ClusterCounters peers = traffic.getOrDefault(phase.name(), ClusterCounters.NONE);
            node.set("peerCalls", mapper.valueToTree(peers.calls()));
            node.put("writesPerReplicationBatch", peers.writesPerBatch());
            // Over the phase's warm-up and measured time alike: per request, an estimate.
            double requests = phase.throughput() * (config.warmup().toSeconds() + config.duration().toSeconds());
            double calls = peers.calls().values().stream().mapToDouble(Double::doubleValue).sum();
            Map<String, Long> made = new java.util.TreeMap<>();
            peers.calls().forEach((call, n) -> {
                if (n > 0) {
                    made.put(call, Math.round(n));
                }
            });
            double cpuPerRequest = requests == 0 ? 0 : peers.cpuSeconds() / requests * 1e6;
            node.put("nodeCpuMicrosPerRequest", cpuPerRequest);
            System.out.printf(Locale.ROOT, "          nodes' CPU %.0f us per request; peer calls %s: %.2f per request;"
                            + " %.1f writes per replication batch%n",
                    cpuPerRequest, made, requests == 0 ? 0 : calls / requests, peers.writesPerBatch());
        }
        Files.createDirectories(config.out().toAbsolutePath().getParent());
        mapper.writeValue(config.out().toFile(), out);
    }
}
