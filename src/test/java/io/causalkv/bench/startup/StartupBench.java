package io.causalkv.bench.startup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * {@code bin/bench startup} (docs/PERFORMANCE.md, "Start-up"): starts real standalone Jetty
 * processes the way bin/cluster does, and times, for each node, its first HTTP answer and its
 * {@code /ready} from process start, with the CPU its JVM spent until then; for a cluster, the
 * time from the last start until every node's view lists every node and until the nodes agree
 * on the shards. Three webapps in the same run: none (the bare-Jetty floor), a trivial Jersey
 * WAR (the framework's own cost) and causalkv's; each in a base with bin/cluster's modules and
 * in one with {@code ee10-annotations} added. Scenarios: one node alone; N nodes started at the
 * same moment with one VIEW and SHARD_COUNT; and N-1 running nodes joined by an N-th started
 * with a VIEW that lists it (automatic membership).
 *
 * <p>Options: {@code --nodes 7 --shards 2 --modules plain,annotations --variants
 * floor,jersey,causalkv --scenarios one,all,join --base-port 29500 --out FILE}.
 */
public final class StartupBench {

    private static final long RUN_DEADLINE_NANOS = 120_000_000_000L;
    private static final long POLL_MILLIS = 50;

    private final Path root;
    private final Path state;
    private final Map<String, String> options;
    private final List<Map<String, Object>> results = new ArrayList<>();

    private StartupBench(Path root, Map<String, String> options) {
        this.root = root;
        this.state = root.resolve("target/bench/startup");
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>(Map.of(
                "nodes", "7", "shards", "2", "modules", "plain,annotations", "variants", "floor,jersey,causalkv",
                "scenarios", "one,all,join", "base-port", "29500", "out", "target/bench/startup.json"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        new StartupBench(Path.of("").toAbsolutePath(), options).run();
    }

    private void run() throws Exception {
        Files.createDirectories(state.resolve("logs"));
        Path trivialWar = state.resolve("trivial-jersey.war");
        TrivialWar.make(root.resolve("target/causalkv.war"), root.resolve("target/test-classes"), trivialWar);
        System.out.printf("start-up benchmark: java %s, %d cores, %s%n", System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), options);
        for (String modules : list("modules")) {
            for (String variant : list("variants")) {
                String war = switch (variant) {
                    case "floor" -> "-";
                    case "jersey" -> trivialWar.toString();
                    case "causalkv" -> root.resolve("target/causalkv.war").toString();
                    default -> throw new IllegalArgumentException("variants are floor, jersey and causalkv");
                };
                String extraModules = modules.equals("annotations") ? "ee10-annotations" : "";
                for (String scenario : list("scenarios")) {
                    if (scenario.equals("join") && !variant.equals("causalkv")) {
                        continue; // joining is causalkv's behaviour; the others have no cluster
                    }
                    results.add(scenario(modules, variant, scenario, war, extraModules));
                }
            }
        }
        Path out = root.resolve(options.get("out"));
        Files.createDirectories(out.getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), results);
        System.out.println("results: " + out);
    }

    private Map<String, Object> scenario(String modules, String variant, String scenario, String war,
            String extraModules) throws Exception {
        int count = scenario.equals("one") ? 1 : Integer.parseInt(options.get("nodes"));
        int basePort = Integer.parseInt(options.get("base-port"));
        // One base per webapp and module set, as bin/cluster makes it (trained on the first port
        // when the JDK has an AOT cache), then reused by the scenarios; nodes differ by port only.
        Path base = state.resolve("base-" + variant + "-" + modules);
        makeBase(base, basePort, war, extraModules);
        List<NodeStart> nodes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            nodes.add(new NodeStart(basePort + i, base));
        }
        boolean cluster = variant.equals("causalkv");
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("modules", modules);
        result.put("variant", variant);
        result.put("scenario", scenario);
        try {
            if (scenario.equals("join")) {
                join(nodes, result);
            } else {
                startTogether(nodes, nodes, !variant.equals("floor"));
                if (cluster && count > 1) {
                    long last = nodes.stream().mapToLong(NodeStart::startNanos).max().orElseThrow();
                    result.put("views_list_all_s", secondsUntil(last, () -> viewsListAll(nodes, nodes)));
                    result.put("shards_agree_s", secondsUntil(last, () -> shardsAgree(nodes)));
                }
            }
        } finally {
            nodes.forEach(NodeStart::stop);
        }
        result.put("nodes", nodes.stream().map(StartupBench::row).toList());
        print(result, nodes);
        return result;
    }

    /** N-1 nodes with their own VIEW and SHARD_COUNT, then the N-th with a VIEW that lists it. */
    private void join(List<NodeStart> nodes, Map<String, Object> result) throws Exception {
        List<NodeStart> first = nodes.subList(0, nodes.size() - 1);
        startTogether(first, first, true);
        secondsUntil(System.nanoTime(), () -> viewsListAll(first, first));
        NodeStart joiner = nodes.get(nodes.size() - 1);
        startTogether(List.of(joiner), nodes, true);
        result.put("joiner_in_every_view_s", secondsUntil(joiner.startNanos(), () -> viewsListAll(nodes, List.of(joiner))));
        result.put("joiner_answer_s", joiner.answerSeconds());
        result.put("joiner_ready_s", joiner.readySeconds());
    }

    /** Launches {@code nodes} at the same moment, with a VIEW of {@code view}, and watches each in its own thread. */
    private void startTogether(List<NodeStart> nodes, List<NodeStart> view, boolean readyToo) throws Exception {
        String viewSetting = String.join(",", view.stream().map(NodeStart::address).toList());
        boolean withShards = view.size() == nodes.size() && Integer.parseInt(options.get("shards")) > 0;
        for (NodeStart node : nodes) {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("SOCKET_ADDRESS", node.address());
            env.put("VIEW", viewSetting);
            if (withShards && view.size() > 1) {
                env.put("SHARD_COUNT", options.get("shards"));
            }
            node.launch(root.resolve("bin/cluster"), env, state.resolve("logs/node-" + node.port + ".log"));
        }
        long deadline = System.nanoTime() + RUN_DEADLINE_NANOS;
        List<Thread> watchers = new ArrayList<>();
        for (NodeStart node : nodes) {
            Thread watcher = new Thread(() -> node.watch(deadline, readyToo), "watch-" + node.port);
            watcher.start();
            watchers.add(watcher);
        }
        for (Thread watcher : watchers) {
            watcher.join();
        }
    }

    private void makeBase(Path base, int trainingPort, String war, String extraModules) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", root.resolve("bin/cluster").toString(), "base",
                base.toString(), war, extraModules, Integer.toString(trainingPort)).inheritIO();
        builder.environment().put("CAUSALKV_CLUSTER_DIR", state.toString());
        if (builder.start().waitFor() != 0) {
            throw new IllegalStateException("bin/cluster base failed for " + base);
        }
    }

    /** Every node of {@code askers} lists every node of {@code listed} in its /view. */
    private static boolean viewsListAll(List<NodeStart> askers, List<NodeStart> listed) {
        for (NodeStart asker : askers) {
            String view = HttpProbe.get(asker.port, "/view").body();
            for (NodeStart node : listed) {
                if (!view.contains("\"" + node.address() + "\"")) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Every node answers the same shard ids and members, and the members cover every node. */
    private boolean shardsAgree(List<NodeStart> nodes) {
        String agreed = null;
        for (NodeStart node : nodes) {
            StringBuilder answer = new StringBuilder(HttpProbe.get(node.port, "/shard/ids").body());
            String ids = answer.toString().replaceAll("[^0-9,]", "");
            if (ids.isEmpty() || ids.split(",").length != Integer.parseInt(options.get("shards"))) {
                return false;
            }
            for (String id : ids.split(",")) {
                answer.append(HttpProbe.get(node.port, "/shard/members/" + id).body());
            }
            if (agreed != null && !agreed.contentEquals(answer)) {
                return false;
            }
            agreed = answer.toString();
        }
        String members = agreed;
        return nodes.stream().allMatch(n -> members.contains("\"" + n.address() + "\""));
    }

    /** Seconds from {@code fromNanos} until the condition holds; NaN if it did not within the run's deadline. */
    private static double secondsUntil(long fromNanos, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + RUN_DEADLINE_NANOS / 4;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return (System.nanoTime() - fromNanos) / 1e9;
            }
            NodeStart.sleep(POLL_MILLIS);
        }
        return Double.NaN;
    }

    private static Map<String, Object> row(NodeStart node) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("address", node.address());
        row.put("answer_s", round(node.answerSeconds()));
        row.put("ready_s", round(node.readySeconds()));
        row.put("cpu_at_answer_s", round(node.answerCpu()));
        row.put("cpu_at_ready_s", round(node.readyCpu()));
        Map<String, Object> threads = new LinkedHashMap<>();
        node.answerCpuByThread().forEach((kind, seconds) -> threads.put(kind, round(seconds)));
        row.put("cpu_at_answer_by_thread_s", threads);
        return row;
    }

    private static void print(Map<String, Object> result, List<NodeStart> nodes) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-12s %-9s %-5s n=%d", result.get("modules"),
                result.get("variant"), result.get("scenario"), nodes.size()));
        line.append(String.format(Locale.ROOT, " | answer med %s max %s | ready med %s max %s | cpu@answer med %s | cpu@ready med %s",
                fmt(median(nodes, NodeStart::answerSeconds)), fmt(max(nodes, NodeStart::answerSeconds)),
                fmt(median(nodes, NodeStart::readySeconds)), fmt(max(nodes, NodeStart::readySeconds)),
                fmt(median(nodes, NodeStart::answerCpu)), fmt(median(nodes, NodeStart::readyCpu))));
        line.append(" | cpu@answer by thread (med):");
        for (String kind : List.of("main", "jit", "vm", "requests", "other")) {
            line.append(String.format(Locale.ROOT, " %s %s", kind,
                    fmt(median(nodes, n -> n.answerCpuByThread().getOrDefault(kind, Double.NaN)))));
        }
        for (String key : List.of("views_list_all_s", "shards_agree_s", "joiner_in_every_view_s")) {
            if (result.get(key) instanceof Double value) {
                line.append(" | ").append(key).append(' ').append(fmt(value));
            }
        }
        System.out.println(line);
    }

    private static double median(List<NodeStart> nodes, java.util.function.ToDoubleFunction<NodeStart> f) {
        double[] values = nodes.stream().mapToDouble(f).sorted().toArray();
        return values.length == 0 ? Double.NaN : values[(values.length - 1) / 2];
    }

    private static double max(List<NodeStart> nodes, java.util.function.ToDoubleFunction<NodeStart> f) {
        return nodes.stream().mapToDouble(f).reduce(Double.NEGATIVE_INFINITY,
                (a, b) -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : Math.max(a, b));
    }

    private static String fmt(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.2f", value);
    }

    private static Object round(double value) {
        return Double.isNaN(value) ? null : Math.round(value * 100) / 100.0;
    }

    private List<String> list(String option) {
        return Arrays.stream(options.get(option).split(",")).map(String::trim).filter(Predicate.not(String::isEmpty)).toList();
    }
}
