package io.causalkv.bench.wrk;

import io.causalkv.bench.startup.ProcessCpu;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.causalkv.bench.ClusterCounters;
import io.causalkv.bench.MemoryFootprint;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * {@code bin/bench} (issue 19): every figure of the issue in one run. The load of causalkv
 * clusters is driven by {@link SessionGenerator} (Java NIO, two threads, one client session per
 * connection; {@code --generator wrk}: wrk with {@code src/test/wrk/session.lua}, one thread per
 * connection), with the anchors measured in the same run: a bare Jetty + Jersey + Jackson webapp
 * over a map (and, on it, the generator check: the session generator's /hello against plain
 * {@code wrk -t2}'s), and etcd (3 members, v3 JSON gateway). Every phase has the same
 * connections, warm-up (a run, not recorded) and duration; for each: req/s, p50/p99/p99.9, errors
 * by status, the servers' CPU per request ({@code /proc}), the generator's own CPU, and causalkv's
 * peer calls per request ({@code /metrics}); every causalkv figure also as a ratio to the
 * anchors ({@link Report}). After each layout's phases: its idle CPU; on the 6-node layout, a
 * reshard of a loaded cluster ({@link ReshardRun}); last, the heap of a replica of a million keys
 * ({@link MemoryFootprint}). Then issue 19's targets against this run ({@link Targets}). Prints
 * markdown, writes JSON.
 *
 * <p>Options: {@code --layouts 1,3,6 --connections 64 --duration 10 --warmup 3 --keys 10000
 * --value-size 100 --reads 0.5 --dialect kvs --anchors bare,etcd --storage memory --generator java
 * --idle 20 --reshard-keys 100000 --memory-keys 1000000 --out target/bench/results.json};
 * {@code --anchors none} skips the anchors; {@code --storage} takes memory, batch, interval or none
 * (comma-separated: each layout once per kind); 0 skips idle, reshard or memory.
 */
public final class WrkBench {

    /**
     * The most a warm-up lasts. Six nodes on two cores took three to four minutes of load to reach
     * their steady rate (the nodes' JIT thresholds are raised for start-up, and each of six JVMs
     * sees a sixth of the requests).
     */
    private static final int SETTLE_MAX_SECONDS = 300;
    /**
     * The least a warm-up lasts, per node of the layout: each of N nodes sees 1/N of the requests,
     * so its code takes N times as long to reach the JIT's thresholds (raised for start-up: C2
     * after 15,000 calls). Six nodes held a plateau at 1,400 req/s for a minute (C1, counters
     * climbing), which a trend reads as settled, then climbed for two more to 5,000.
     */
    private static final int SETTLE_MIN_SECONDS_PER_NODE = 30;
    /** Between a layout's last phase and its idle measurement: the last connections close, queues drain. */
    private static final int IDLE_SETTLE_SECONDS = 10;
    /** The other shards named by the metadata of the memory figure's writes (issue 17: real multi-shard metadata). */
    private static final int MEMORY_OTHER_SHARDS = 3;

    private final Path root;
    private final WrkOptions options;
    private final WrkRunner runner;
    private final SessionGenerator generator;
    private final Path script;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final int cores = Runtime.getRuntime().availableProcessors();
    private final List<Phase> phases = new ArrayList<>();
    private final List<LoadCheck.Outcome> loads = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<AutoCloseable> running = new ArrayList<>();
    private final Map<String, Object> machine = new LinkedHashMap<>();
    private double generatorCheck = Double.NaN;
    /** Each layout's idle CPU, as a share of the machine. */
    private final Map<String, Double> idleShares = new LinkedHashMap<>();
    private ReshardRun.Outcome reshard;
    private MemoryFootprint.Footprint memory;
    /** Each warm-up: how long, and the rate it ended at. */
    private final List<Map<String, Object>> warmups = new ArrayList<>();

    private WrkBench(Path root, WrkOptions options) {
        this.root = root;
        this.options = options;
        this.runner = new WrkRunner(root.resolve("target/bench/wrk.log"));
        this.generator = new SessionGenerator(root.resolve("target/bench/wrk.log"), cores);
        this.script = root.resolve("src/test/wrk/session.lua");
    }

    public static void main(String[] args) throws Exception {
        WrkOptions options = WrkOptions.parse(args);
        if (!Which.onPath("wrk")) {
            System.err.println("wrk is not on the PATH: apt-get install wrk");
            System.exit(2);
        }
        Path root = Path.of("").toAbsolutePath();
        Files.createDirectories(root.resolve("target/bench"));
        Files.deleteIfExists(root.resolve("target/bench/wrk.log"));
        WrkBench bench = new WrkBench(root, options);
        Thread hook = new Thread(bench::stopAll, "bench-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean ok;
        try {
            ok = bench.run();
        } finally {
            bench.stopAll();
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        System.exit(ok ? 0 : 1);
    }

    private boolean run() throws Exception {
        header();
        boolean ok = true;
        if (options.anchors().contains("bare")) {
            ok &= group("bare anchor", this::bare);
        }
        if (options.anchors().contains("etcd")) {
            if (EtcdCluster.onPath()) {
                ok &= group("etcd anchor", this::etcd);
            } else {
                note("etcd anchor skipped: etcd is not on the PATH (apt-get install etcd-server)");
            }
        }
        for (String storage : options.storage()) {
            for (int nodes : options.layouts()) {
                ok &= group(WrkOptions.label(nodes, storage), () -> layout(nodes, storage));
            }
        }
        if (options.memoryKeys() > 0) {
            ok &= group("memory", () -> {
                memory = MemoryFootprint.measure(options.memoryKeys(), options.valueSize(), MEMORY_OTHER_SHARDS);
                System.out.println("  " + memory.describe());
            });
        }
        report();
        return ok;
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Runs one group of phases; a failure is reported and the run goes on with the next group. */
    private boolean group(String name, Step step) {
        System.out.println("== " + name);
        try {
            step.run();
            return true;
        } catch (Exception e) {
            note(name + " FAILED: " + e.getMessage());
            e.printStackTrace();
            return false;
        } finally {
            stopAll();
        }
    }

    private void bare() throws Exception {
        BareAnchor bare = started(new BareAnchor(root));
        bare.start();
        List<String> one = List.of(bare.target());
        int c = options.connections();
        WrkRunner.Spec plainHello = WrkRunner.Spec.plain(bare.target(), Math.min(2, c), c, options.duration(), "/hello");
        WrkRunner.Spec sessionHello = session(one, c, "hello", "map");
        jitWarmup(Report.BARE, "hello", sessionHello, SETTLE_MIN_SECONDS_PER_NODE); // the server's JIT, and the session generator's (it runs in this JVM)
        measure(Report.BARE, "wrk-hello", false, plainHello, bare.pids(), List.of());
        measure(Report.BARE, "hello", false, sessionHello, bare.pids(), List.of());
        generatorCheck(sessionHello, plainHello);
        load(Report.BARE, one, "map", bare.pids(), List.of());
        measure(Report.BARE, "map-mixed", false, session(one, c, "mixed", "map"), bare.pids(), List.of());
    }

    /**
     * The generator check: the session script's /hello over plain wrk's, from the two phases and,
     * for the verdict, from runs of half a phase each in the order session, plain, plain, session,
     * so that a drift of the machine (other load, a JIT still compiling) weighs on both alike.
     */
    private void generatorCheck(WrkRunner.Spec session, WrkRunner.Spec plain) throws Exception {
        int seconds = Math.max(1, options.duration() / 2);
        List<WrkResult> sessions = new ArrayList<>();
        List<WrkResult> plains = new ArrayList<>();
        sessions.add(drive(session.seconds(seconds)).result());
        plains.add(drive(plain.seconds(seconds)).result());
        plains.add(drive(plain.seconds(seconds)).result());
        sessions.add(drive(session.seconds(seconds)).result());
        generatorCheck = Report.interleavedRatio(sessions, plains);
        OptionalDouble phasesRatio = Report.generatorCheck(phases);
        String generatorName = options.generator().equals("wrk") ? "session.lua (wrk -t" + session.threads() + ")"
                : "session generator (" + Math.min(cores, session.connections()) + " threads)";
        note(String.format(Locale.ROOT, "generator check, %s hello / plain wrk hello (-t%d), bare anchor: "
                + "%.2f interleaved (session, plain, plain, session, %d s each; %.2f from the two phases): %s",
                generatorName, plain.threads(), generatorCheck, seconds, phasesRatio.orElse(Double.NaN),
                generatorCheck >= Report.GENERATOR_CHECK ? "PASS" : "FAIL (below " + Report.GENERATOR_CHECK + ")"));
    }

    private void etcd() throws Exception {
        EtcdCluster etcd = started(new EtcdCluster());
        etcd.start(root.resolve("target/bench/etcd"));
        load(Report.ETCD, etcd.clients(), "etcd", etcd.pids(), List.of());
        measure(Report.ETCD, "etcd-mixed", false, session(etcd.clients(), options.connections(), "mixed", "etcd"),
                etcd.pids(), List.of());
    }

    private void layout(int nodes, String storage) throws Exception {
        String group = WrkOptions.label(nodes, storage);
        CausalkvCluster cluster = started(new CausalkvCluster(root));
        cluster.start(nodes, WrkOptions.shards(nodes), WrkOptions.storageEnv(storage));
        machine.putIfAbsent("nodes_java", cluster.javaVersion());
        List<String> all = cluster.targets(nodes);
        List<String> first = all.subList(0, 1);
        List<Long> pids = cluster.pids();
        int c = options.connections();
        String dialect = options.dialect();
        load(group, all, dialect, pids, all);
        jitWarmup(group, "mixed", session(all, c, "mixed", dialect), SETTLE_MIN_SECONDS_PER_NODE * nodes);
        // The key requests do not go through Jersey, /hello does: warmed on its own, so that
        // hello-1, the anchor of the layout's ratios, is not measured on a cold Jersey.
        jitWarmup(group, "hello-1", session(first, c, "hello", dialect), SETTLE_MIN_SECONDS_PER_NODE);
        measure(group, "hello-1", true, session(first, c, "hello", dialect), pids, all);
        if (nodes > 1) {
            measure(group, "hello", true, session(all, c, "hello", dialect), pids, all);
        }
        measure(group, "get", true, session(all, c, "get", dialect), pids, all);
        measure(group, "mixed", true, session(all, c, "mixed", dialect), pids, all);
        measure(group, "put", true, session(all, c, "put", dialect), pids, all);
        measure(group, "put-1", true, session(first, 1, "put", dialect), pids, all);
        if (options.idle() > 0) {
            idle(group, pids);
        }
        if (nodes == 6 && options.reshardKeys() > 0 && reshard == null) {
            reshard(group, all, pids);
        }
    }

    /** The layout's CPU with no client at all, after {@link #IDLE_SETTLE_SECONDS}: heartbeats and timers. */
    private void idle(String group, List<Long> pids) throws InterruptedException {
        Thread.sleep(IDLE_SETTLE_SECONDS * 1000L);
        double before = ProcessCpu.seconds(pids);
        long started = System.nanoTime();
        Thread.sleep(options.idle() * 1000L);
        double seconds = (System.nanoTime() - started) / 1e9;
        double share = (ProcessCpu.seconds(pids) - before) / seconds / cores;
        idleShares.put(group, share);
        System.out.printf(Locale.ROOT, "  idle       %.1f %% of the machine (%.3f cores) over %.0f s, %d s after the last phase%n",
                100 * share, share * cores, seconds, IDLE_SETTLE_SECONDS);
    }

    /**
     * Loads {@code --reshard-keys} keys (the layout's own keys among them), reshards from 2 to 3
     * shards ({@link ReshardRun}), and reads a sample of the keys back through the first node.
     */
    private void reshard(String group, List<String> all, List<Long> pids) throws Exception {
        int keys = options.reshardKeys();
        WrkRunner.Spec spec = WrkRunner.Spec.session(script, all, Math.min(options.connections(), keys),
                30 + keys / 200, "load", options.dialect(), keys, options.valueSize(), options.reads());
        Phase load = measured(group, "load-" + keys, true, spec, pids, all);
        LoadCheck.Outcome loaded = LoadCheck.check(group + " " + keys + " keys", load.result(), keys, options.dialect(),
                all.get(0));
        System.out.println("  " + loaded.describe());
        if (!loaded.complete()) {
            throw new IllegalStateException(loaded.describe());
        }
        // the layout's own keys are the first of these, or more of them
        reshard = ReshardRun.run(client, all.get(0), Math.max(keys, options.keys()), 3);
        System.out.println("  " + reshard.describe());
        LoadCheck.Outcome after = LoadCheck.check(group + " after the reshard", load.result(), keys, options.dialect(),
                all.get(0));
        System.out.println("  " + after.describe());
        if (!reshard.settled() || !after.complete()) {
            note(reshard.describe() + "; " + after.describe());
        }
    }

    /** Plain wrk for a spec without a script; the sessions on the chosen generator. */
    private WrkRunner.Run drive(WrkRunner.Spec spec) throws Exception {
        return spec.script() == null || options.generator().equals("wrk") ? runner.run(spec) : generator.run(spec);
    }

    private WrkRunner.Spec session(List<String> targets, int connections, String mode, String dialect) {
        return WrkRunner.Spec.session(script, targets, connections, options.duration(), mode, dialect, options.keys(),
                options.valueSize(), options.reads());
    }

    /** Writes every key once (no warm-up), then checks that every key is there. */
    private void load(String group, List<String> targets, String dialect, List<Long> pids, List<String> metrics)
            throws Exception {
        int threads = Math.min(options.connections(), options.keys());
        int bound = 30 + options.keys() / 50;
        WrkRunner.Spec spec = WrkRunner.Spec.session(script, targets, threads, bound, "load", dialect, options.keys(),
                options.valueSize(), options.reads());
        Phase load = measured(group, "load", !metrics.isEmpty(), spec, pids, metrics);
        LoadCheck.Outcome outcome = LoadCheck.check(group, load.result(), options.keys(), dialect, targets.get(0));
        loads.add(outcome);
        System.out.println("  " + outcome.describe());
        if (!outcome.complete()) {
            note(outcome.describe());
        }
    }

    /**
     * A warm-up of the nodes (and of this JVM's generator) until their rate has stopped rising,
     * not recorded (the phase after it has its own warm-up run): runs of {@link Warmup#RUN_SECONDS}
     * until twice the phases' warm-up (and {@code minSeconds}) has passed and the trend
     * of the last runs is flat ({@link Warmup}), at most {@link #SETTLE_MAX_SECONDS}. The JIT
     * compiles the request path over the first seconds to minutes (the bare anchor's /hello went
     * from 1,500 to 30,000 req/s over its first 20 s here; six nodes took minutes), which would
     * otherwise weigh on the first phases only. How long it took is printed and kept.
     */
    private void jitWarmup(String group, String what, WrkRunner.Spec spec, int minSeconds) throws Exception {
        if (options.warmup() == 0) {
            return;
        }
        long started = System.nanoTime();
        List<Double> rates = new ArrayList<>();
        while (true) {
            rates.add(drive(spec.seconds(Warmup.RUN_SECONDS)).result().requestsPerSecond());
            double elapsed = (System.nanoTime() - started) / 1e9;
            boolean settled = Warmup.settled(rates);
            if ((settled && elapsed >= Math.max(2 * options.warmup(), minSeconds)) || elapsed >= SETTLE_MAX_SECONDS) {
                double rate = rates.get(rates.size() - 1);
                warmups.add(Map.<String, Object>of("group", group, "load", what, "seconds", Math.round(elapsed), "last_rate", Math.round(rate),
                        "settled", settled));
                System.out.printf(Locale.ROOT, "  (JIT warm-up with %s: %.0f s, last %,.0f req/s, trend %+.0f %% over %d s%s)%n",
                        what, elapsed, rate, 100 * Warmup.rise(rates), Warmup.RUNS * Warmup.RUN_SECONDS,
                        settled ? "" : ", not settled");
                return;
            }
        }
    }

    /** A warm-up run of the same load (not recorded), then the measured run. */
    private void measure(String group, String name, boolean causalkv, WrkRunner.Spec spec, List<Long> pids,
            List<String> metrics) throws Exception {
        if (options.warmup() > 0) {
            drive(spec.seconds(options.warmup()));
        }
        measured(group, name, causalkv, spec, pids, metrics);
    }

    private Phase measured(String group, String name, boolean causalkv, WrkRunner.Spec spec, List<Long> pids,
            List<String> metrics) throws Exception {
        ClusterCounters before = metrics.isEmpty() ? null : ClusterCounters.scrape(client, metrics);
        double cpuBefore = ProcessCpu.seconds(pids);
        WrkRunner.Run run = drive(spec);
        double serverCpu = ProcessCpu.seconds(pids) - cpuBefore; // NaN if a server ended meanwhile
        double peerCalls = before == null ? Double.NaN
                : ClusterCounters.scrape(client, metrics).since(before).calls().values().stream()
                        .mapToDouble(Double::doubleValue).sum();
        Phase phase = new Phase(group, name, causalkv, spec.connections(), run.result(), serverCpu,
                run.generatorCpuSeconds(), peerCalls, cores);
        phases.add(phase);
        System.out.printf(Locale.ROOT, "  %-10s %9s req/s  p50 %s ms  p99 %s ms  errors %s  server CPU %s µs/req  generator CPU %s (%s µs/req)%n",
                name, Report.count(phase.requestsPerSecond()), Report.num(phase.p50Millis(), 2),
                Report.num(phase.p99Millis(), 2), Report.errors(phase), Report.num(phase.serverCpuMicrosPerRequest(), 0),
                Report.percent(phase.generatorShare()), Report.num(phase.generatorCpuMicrosPerRequest(), 0));
        if (phase.result().misses() > 0 && !name.equals("load")) {
            note(String.format("%s %s: %d reads found no value (a key the load did not write?)", group, name,
                    phase.result().misses()));
        }
        return phase;
    }

    private void header() {
        machine.put("cores", cores);
        machine.put("java", System.getProperty("java.version"));
        machine.put("wrk", Which.firstLine("wrk", "--version"));
        machine.put("etcd", EtcdCluster.onPath() ? EtcdCluster.version() : "not installed");
        machine.put("commit", Which.firstLine("git", "-C", root.toString(), "rev-parse", "--short", "HEAD"));
        System.out.printf("wrk bench: %d cores, java %s (orchestrator), %s, %s, commit %s%n", cores,
                machine.get("java"), machine.get("wrk"), machine.get("etcd"), machine.get("commit"));
        System.out.println("options: " + options);
    }

    private void report() throws Exception {
        List<Report.Row> rows = Report.ratios(phases);
        System.out.println();
        System.out.printf("## wrk bench, commit %s: %d cores, nodes on %s, %s, %s%n%n", machine.get("commit"), cores,
                machine.getOrDefault("nodes_java", "-"), machine.get("wrk"), machine.get("etcd"));
        System.out.printf(Locale.ROOT, "%d connections, %d s per phase after %d s of warm-up, %d keys, %d-byte values, "
                + "%.0f %% reads, dialect %s, storage %s, KVS_WRITE_ACKS default (2)%n%n", options.connections(),
                options.duration(), options.warmup(), options.keys(), options.valueSize(), 100 * options.reads(),
                options.dialect(), String.join(",", options.storage()));
        System.out.println(Report.phaseTable(phases));
        if (!rows.isEmpty()) {
            System.out.println("Ratios, causalkv ÷ anchor, each cell: req/s / p50 / p99 / server CPU per request "
                    + "(throughput below 1 and the others above 1: causalkv costs more)\n");
            System.out.println(Report.ratioTable(rows));
        }
        List<Targets.Target> targets = Targets.check(phases, new Targets.Extras(generatorCheck, idleShares, reshard, memory));
        System.out.println("Issue 19's targets, from this run\n");
        System.out.println(Targets.table(targets));
        notes.forEach(n -> System.out.println("- " + n));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("machine", machine);
        json.put("options", options.asMap());
        OptionalDouble check = Report.generatorCheck(phases);
        if (Double.isFinite(generatorCheck)) {
            Map<String, Object> generator = new LinkedHashMap<>();
            generator.put("interleaved_ratio", generatorCheck);
            generator.put("phases_ratio", check.isPresent() ? check.getAsDouble() : null);
            generator.put("pass", generatorCheck >= Report.GENERATOR_CHECK);
            json.put("generator_check", generator);
        }
        json.put("loads", loads.stream().map(o -> Map.of("group", o.group(), "keys", o.keys(), "written", o.written(),
                "unwritten", o.unwritten(), "sampled", o.sampled(), "found", o.found(), "complete", o.complete())).toList());
        json.put("phases", phases.stream().map(Report::json).toList());
        json.put("ratios", rows.stream().map(Report::json).toList());
        json.put("warmups", warmups);
        json.put("idle_share", idleShares);
        if (reshard != null) {
            json.put("reshard", Map.of("keys", reshard.keys(), "to", reshard.to(), "answered_s", reshard.answeredSeconds(),
                    "settled_s", reshard.settledSeconds(), "counted", reshard.counted()));
        }
        if (memory != null) {
            json.put("memory", Map.of("keys", memory.keys(), "value_size", memory.valueSize(), "other_shards",
                    memory.otherShards(), "heap_bytes", memory.heapBytes(), "times_values", memory.timesValues(),
                    "times_keys_and_values", memory.timesPayload()));
        }
        json.put("targets", targets.stream().map(t -> Map.of("target", t.target(), "measured", t.measured(), "met", t.met()))
                .toList());
        json.put("notes", notes);
        Path out = root.resolve(options.out());
        Files.createDirectories(out.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
        System.out.println("\nresults: " + out);
    }

    private void note(String note) {
        notes.add(note);
        System.out.println("  " + note);
    }

    private <T extends AutoCloseable> T started(T resource) {
        synchronized (running) {
            running.add(resource);
        }
        return resource;
    }

    /** Stops every process this run started (anchors, cluster), last started first. */
    private void stopAll() {
        List<AutoCloseable> stopping;
        synchronized (running) {
            stopping = new ArrayList<>(running);
            running.clear();
        }
        for (int i = stopping.size() - 1; i >= 0; i--) {
            try {
                stopping.get(i).close();
            } catch (Exception e) {
                System.err.println("could not stop " + stopping.get(i) + ": " + e);
            }
        }
    }
}
