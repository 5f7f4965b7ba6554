package io.causalkv.testing.netns;

import io.causalkv.testing.Await;
import io.causalkv.testing.FreePorts;
import io.causalkv.testing.Http;
import io.causalkv.testing.CrashableNodes;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;

/**
 * Nodes as users run them in containers: each a standalone Jetty process ({@code bin/cluster exec},
 * the packaged WAR) in its own Linux network namespace, with one veth link to a bridge that lives
 * in a namespace of its own, as Docker's bridge network does. The test reaches the nodes through
 * one more veth from its own namespace to the bridge. Addresses are in 198.18.S.0/24 (the
 * benchmarking range, never routed off the machine), S chosen free per fixture.
 *
 * <p>Faults are the kernel's, not a simulation: a link cut deletes the node's veth pair (its
 * sockets then get ENETUNREACH, its peers time out, and what TCP had sent but not had acknowledged
 * stays in the sender's kernel, retransmitted once the link is back); restore recreates it with
 * the same address. One-way loss is an nftables rule in the node's namespace. Processes are killed
 * (SIGKILL), paused (SIGSTOP) and resumed (SIGCONT) by their own PIDs.
 *
 * <p>Everything it makes (namespaces, links, rules, processes) goes in {@link #close()}, also
 * when a test fails; namespaces left by a test JVM that died are removed by the next fixture.
 */
public final class NetnsCluster implements CrashableNodes, AutoCloseable {

    public static final int PORT = 8080;
    private static final Duration READY_BOUND = Duration.ofSeconds(60);
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final String PREFIX = "causalkv-t";
    private static final Pattern OWNED = Pattern.compile(PREFIX + "(\\d+)-\\d+-.*");
    private static final List<String> SETTINGS = List.of("SOCKET_ADDRESS", "ADDRESS", "VIEW", "SHARD_COUNT", "REPL_FACTOR",
            "FORWARDING_ADDRESS", "KVS_API", "KVS_WRITE_ACKS", "KVS_DEPENDENCY_WAIT_MS", "CAUSALKV_CLUSTER_DIR");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static Path base;

    private final String id;
    private final int subnet;
    private final Path state;
    private final Process[] processes;
    private final boolean[] linked;
    private final boolean[] paused;
    private boolean closed;
    private final Map<Integer, Map<String, String>> launched = new LinkedHashMap<>();
    private final Map<Integer, String> addressVariables = new LinkedHashMap<>();

    private NetnsCluster(String id, int subnet, Path state, int slots) {
        this.id = id;
        this.subnet = subnet;
        this.state = state;
        this.processes = new Process[slots];
        this.linked = new boolean[slots];
        this.paused = new boolean[slots];
    }

    /**
     * Skips the test with a notice where namespaces cannot be made (not root, no {@code ip} or
     * {@code nft}); under {@code CI=true} fails instead: CI runs as root and {@code .ci/run}
     * installs iproute2 and nftables.
     */
    public static void assumeAvailable() {
        String missing = missing();
        if (missing == null) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("the network-namespace tests cannot run in CI: " + missing + " (.ci/run installs iproute2 and nftables; CI runs as root)");
        }
        System.err.println("NOTICE: network-namespace tests skipped: " + missing);
        Assumptions.abort("network namespaces unavailable: " + missing);
    }

    private static String missing() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "not running as root";
        }
        for (String tool : List.of("ip", "nft", "kill", "curl")) {
            if (!Command.quietly("sh", "-c", "command -v " + tool)) {
                return "no '" + tool + "' command";
            }
        }
        String probe = PREFIX + ProcessHandle.current().pid() + "-0-probe";
        if (!Command.quietly("ip", "netns", "add", probe)) {
            return "'ip netns add' refused";
        }
        Command.quietly("ip", "netns", "del", probe);
        return null;
    }

    /** The namespaces and links for {@code slots} nodes, none started yet. */
    public static NetnsCluster create(String name, int slots) throws IOException {
        removeLeftovers();
        makeBase();
        String id = ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
        Path state = ROOT.resolve("target/netns/" + name);
        Files.createDirectories(state.resolve("logs"));
        NetnsCluster cluster = new NetnsCluster(id, freeSubnet(), state, slots);
        Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
        try {
            cluster.makeBridge();
            for (int i = 0; i < slots; i++) {
                Command.run("ip", "netns", "add", cluster.namespace(i));
                Command.run("ip", "-n", cluster.namespace(i), "link", "set", "dev", "lo", "up");
                cluster.restore(i);
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Makes the cluster of all {@code slots} nodes, VIEW listing them all, started together. */
    public static NetnsCluster start(String name, int slots, Map<String, String> settings) throws IOException {
        NetnsCluster cluster = create(name, slots);
        try {
            Map<String, String> all = new LinkedHashMap<>(settings);
            all.put("VIEW", cluster.view(IntStream.range(0, slots).toArray()));
            cluster.launchTogether(slots, "SOCKET_ADDRESS", all);
        } catch (IOException | RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /**
     * Starts nodes 0 to {@code count - 1} at once with these settings (each its own address in
     * {@code addressVariable}), then waits until every one is ready.
     */
    public void launchTogether(int count, String addressVariable, Map<String, String> settings) throws IOException {
        for (int i = 0; i < count; i++) {
            launch(i, addressVariable, settings);
        }
        for (int i = 0; i < count; i++) {
            awaitReady(i);
        }
    }

    /** A VIEW value listing these nodes. */
    public String view(int... nodes) {
        return IntStream.of(nodes).mapToObj(this::address).collect(Collectors.joining(","));
    }

    /** Starts node {@code i}'s JVM in its namespace with these settings (its SOCKET_ADDRESS added). */
    public void launch(int i, Map<String, String> settings) throws IOException {
        launch(i, "SOCKET_ADDRESS", settings);
    }

    /**
     * Starts node {@code i}'s JVM with its own address in {@code addressVariable}: SOCKET_ADDRESS
     * (automatic membership) or ADDRESS (kvs-keys, manual membership).
     */
    public void launch(int i, String addressVariable, Map<String, String> settings) throws IOException {
        if (isAlive(i)) {
            throw new IllegalStateException("node " + i + " is running");
        }
        List<String> command = List.of("ip", "netns", "exec", namespace(i),
                "bash", ROOT.resolve("bin/cluster").toString(), "exec", base.toString(), Integer.toString(PORT));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(new File(ROOT.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(state.resolve("logs/node-" + i + ".log").toFile()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(SETTINGS::contains);
        env.putAll(settings);
        env.put(addressVariable, address(i));
        env.put("CAUSALKV_HTTP_HOST", "0.0.0.0");
        env.put("CAUSALKV_CLUSTER_DIR", state.toString());
        launched.put(i, Map.copyOf(settings));
        addressVariables.put(i, addressVariable);
        // ip netns exec and bin/cluster exec both exec: the PID is the node's JVM's.
        processes[i] = builder.start();
        processes[i].getOutputStream().close();
        paused[i] = false;
    }

    /** Starts a stopped node again with the settings it last had (same namespace, same address). */
    @Override
    public long restart(int i) throws IOException {
        long started = System.nanoTime();
        launch(i, addressVariables.get(i), launched.get(i));
        awaitReady(i);
        return started;
    }

    public void awaitReady(int i) {
        Await.until(READY_BOUND, "node " + i + " in its namespace answers /ready", () -> {
            if (!processes[i].isAlive()) {
                throw new AssertionError("node " + i + " exited with " + processes[i].exitValue() + "; see "
                        + state.resolve("logs/node-" + i + ".log"));
            }
            return Http.send("GET", url(i, "/ready")).status() == 200;
        });
    }

    /** Cuts node {@code i}'s link: its veth pair is deleted (the kernel's TCP state stays). */
    public void cut(int i) {
        Command.run("ip", "-n", bridgeNamespace(), "link", "del", "dev", "port" + i);
        linked[i] = false;
    }

    /** Gives node {@code i} its link back: a new veth pair with the same address. */
    public void restore(int i) {
        if (linked[i]) {
            return;
        }
        String ns = namespace(i);
        Command.run("ip", "-n", ns, "link", "add", "eth0", "type", "veth", "peer", "name", "port" + i, "netns", bridgeNamespace());
        Command.run("ip", "-n", ns, "addr", "add", host(i) + "/24", "dev", "eth0");
        Command.run("ip", "-n", ns, "link", "set", "dev", "eth0", "up");
        Command.run("ip", "-n", bridgeNamespace(), "link", "set", "dev", "port" + i, "master", "br0");
        Command.run("ip", "-n", bridgeNamespace(), "link", "set", "dev", "port" + i, "up");
        linked[i] = true;
    }

    /**
     * Node {@code i} still sends, but receives nothing from its peers (a one-way partition);
     * clients (the test's own address) still reach it.
     */
    public void dropIncoming(int i) {
        Command.run("ip", "netns", "exec", namespace(i), "nft",
                "add table inet causalkv; add chain inet causalkv in { type filter hook input priority 0; policy accept; };"
                        + " add rule inet causalkv in iifname \"eth0\" ip saddr != " + testHost() + " drop");
    }

    private String testHost() {
        return "198.18." + subnet + ".1";
    }

    public void acceptIncoming(int i) {
        Command.quietly("ip", "netns", "exec", namespace(i), "nft", "delete table inet causalkv");
    }

    @Override
    public void kill9(int i) {
        Process process = processes[i];
        if (process == null) {
            return;
        }
        CrashableNodes.sigkill(process, i);
        processes[i] = null;
    }

    /** SIGSTOP: the process stops at once; the kernel keeps accepting connections and data for it. */
    public void pause(int i) {
        Command.run("kill", "-STOP", Long.toString(processes[i].pid()));
        paused[i] = true;
    }

    public void resume(int i) {
        Command.run("kill", "-CONT", Long.toString(processes[i].pid()));
        paused[i] = false;
    }

    public long pid(int i) {
        return processes[i].pid();
    }

    public Path logs() {
        return state.resolve("logs");
    }

    /** How far each node's log goes now, for {@link #loggedSince}. */
    public long[] logMark() {
        long[] sizes = new long[processes.length];
        for (int i = 0; i < processes.length; i++) {
            java.io.File log = logs().resolve("node-" + i + ".log").toFile();
            sizes[i] = log.length(); // 0 when there is none yet
        }
        return sizes;
    }

    /** Whether node {@code i} has logged {@code text} since {@code mark} was taken. */
    public boolean loggedSince(int i, long[] mark, String text) {
        try (java.io.RandomAccessFile log = new java.io.RandomAccessFile(logs().resolve("node-" + i + ".log").toFile(), "r")) {
            log.seek(mark[i]);
            byte[] rest = new byte[(int) Math.max(0, log.length() - mark[i])];
            log.readFully(rest);
            return new String(rest, java.nio.charset.StandardCharsets.UTF_8).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public int size() {
        return processes.length;
    }

    @Override
    public String address(int i) {
        return host(i) + ":" + PORT;
    }

    /** Whether clients can use node {@code i} now: its process alive, not paused, its link up. */
    @Override
    public boolean isRunning(int i) {
        return isAlive(i) && !paused[i] && linked[i];
    }

    private boolean isAlive(int i) {
        return processes[i] != null && processes[i].isAlive();
    }

    /**
     * A partition between nodes, clients still reaching every node: each node drops what comes
     * from the nodes on the other side of {@code side} (nftables, input), so what is sent across
     * is lost on the way as on a broken network, and TCP retransmits it once {@link #heal()}
     * removes the rules.
     */
    public void partition(int... side) {
        java.util.Set<Integer> inside = IntStream.of(side).boxed().collect(Collectors.toSet());
        for (int i = 0; i < processes.length; i++) {
            boolean in = inside.contains(i);
            String others = IntStream.range(0, processes.length).filter(n -> inside.contains(n) != in)
                    .mapToObj(this::host).collect(Collectors.joining(", "));
            if (!others.isEmpty()) {
                Command.run("ip", "netns", "exec", namespace(i), "nft",
                        "add table inet causalkv_partition; add chain inet causalkv_partition in"
                                + " { type filter hook input priority 0; policy accept; };"
                                + " add rule inet causalkv_partition in ip saddr { " + others + " } drop");
            }
        }
    }

    /** Ends every partition made by {@link #partition}. */
    public void heal() {
        for (int i = 0; i < processes.length; i++) {
            Command.quietly("ip", "netns", "exec", namespace(i), "nft", "delete table inet causalkv_partition");
        }
    }

    /** Stops every process (SIGCONT first: a paused JVM still dies of SIGKILL, but be plain) and removes every namespace. */
    @Override
    public synchronized void close() {
        if (closed) {
            return; // closed by the test; the shutdown hook finds nothing left
        }
        closed = true;
        for (int i = 0; i < processes.length; i++) {
            try {
                if (paused[i] && isAlive(i)) {
                    resume(i);
                }
                kill9(i);
            } catch (RuntimeException e) {
                // keep cleaning
            }
        }
        for (int i = 0; i < processes.length; i++) {
            removeNamespace(namespace(i));
        }
        // The test's own veth goes with its peer in the bridge's namespace.
        removeNamespace(bridgeNamespace());
    }

    private String host(int i) {
        return "198.18." + subnet + "." + (10 + i);
    }

    private String namespace(int i) {
        return PREFIX + id + "-n" + i;
    }

    private String bridgeNamespace() {
        return PREFIX + id + "-br";
    }

    private void makeBridge() {
        String br = bridgeNamespace();
        String own = "ckv" + id.replace("-", "x");
        Command.run("ip", "netns", "add", br);
        Command.run("ip", "-n", br, "link", "set", "dev", "lo", "up");
        Command.run("ip", "-n", br, "link", "add", "br0", "type", "bridge");
        Command.run("ip", "-n", br, "link", "set", "dev", "br0", "up");
        Command.run("ip", "link", "add", own, "type", "veth", "peer", "name", "porthost", "netns", br);
        Command.run("ip", "addr", "add", testHost() + "/24", "dev", own);
        Command.run("ip", "link", "set", "dev", own, "up");
        Command.run("ip", "-n", br, "link", "set", "dev", "porthost", "master", "br0");
        Command.run("ip", "-n", br, "link", "set", "dev", "porthost", "up");
    }

    private static int freeSubnet() {
        int start = (int) (ProcessHandle.current().pid() % 200);
        for (int k = 0; k < 250; k++) {
            int subnet = 1 + (start + k) % 250;
            if (Command.run("ip", "-4", "route", "show", "198.18." + subnet + ".0/24").isEmpty()
                    && Command.run("ip", "-4", "addr", "show", "to", "198.18." + subnet + ".0/24").isEmpty()) {
                return subnet;
            }
        }
        throw new IllegalStateException("no free /24 in 198.18.0.0/16");
    }

    /** Namespaces of a test JVM that is gone (killed before its clean-up ran): their processes and themselves. */
    private static void removeLeftovers() {
        for (String line : Command.run("ip", "netns", "list").split("\n")) {
            String ns = line.trim().split("\\s+")[0];
            Matcher owned = OWNED.matcher(ns);
            if (owned.matches() && ProcessHandle.of(Long.parseLong(owned.group(1))).map(p -> !p.isAlive()).orElse(true)) {
                removeNamespace(ns);
            }
        }
    }

    private static void removeNamespace(String ns) {
        String pids = Command.output("ip", "netns", "pids", ns).orElse("");
        for (String pid : pids.split("\\s+")) {
            if (!pid.isBlank()) {
                Command.quietly("kill", "-CONT", pid); // only processes inside a namespace this fixture made
                Command.quietly("kill", "-9", pid);
            }
        }
        Command.quietly("ip", "netns", "del", ns);
    }

    /** One jetty.base for every fixture of the run, with the packaged WAR (and its AOT cache where the JDK has one). */
    private static synchronized void makeBase() {
        if (base == null) {
            Path dir = ROOT.resolve("target/netns/base");
            Command.run(Duration.ofMinutes(3), List.of("bash", ROOT.resolve("bin/cluster").toString(), "base", dir.toString(),
                    ROOT.resolve("target/causalkv.war").toString(), "", Integer.toString(FreePorts.reserve())));
            base = dir;
        }
    }

    /** The node indexes, for loops. */
    public List<Integer> indexes() {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < processes.length; i++) {
            all.add(i);
        }
        return all;
    }
}
