package io.causalkv.testing;

import io.causalkv.cluster.NodeAddress;
import io.causalkv.transport.NetworkFaults;
import io.causalkv.transport.PeerTransport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * N causalkv nodes in this JVM, each an embedded Jetty on its own 127.0.0.1 port deploying the
 * real webapp, all with the same VIEW. Nodes can be stopped (their port refuses connections),
 * restarted on the same address, and partitioned in the peer transport.
 */
public final class Cluster implements Nodes, AutoCloseable {

    /** A started cluster is ready within this (a new cluster: once the members have heard one another). */
    private static final java.time.Duration READY_BOUND = java.time.Duration.ofSeconds(15);

    private final List<Integer> ports = new ArrayList<>();
    private EmbeddedNode[] nodes;
    private final NetworkFaults faults = new NetworkFaults();
    private final PeerTransport transport;
    private final Map<String, String> settings;
    /** SOCKET_ADDRESS (automatic membership) or ADDRESS (manual, kvs-keys). */
    private String addressSetting = "SOCKET_ADDRESS";

    private Cluster(int size, Function<NetworkFaults, PeerTransport> transport, Map<String, String> extra) {
        for (int i = 0; i < size; i++) {
            ports.add(FreePorts.reserve());
        }
        this.nodes = new EmbeddedNode[size];
        this.transport = transport.apply(faults);
        this.settings = new LinkedHashMap<>(extra);
        settings.put("VIEW", ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(",")));
    }

    /** Starts {@code size} nodes, all at once as a new cluster does. */
    public static Cluster start(int size, Function<NetworkFaults, PeerTransport> transport, Map<String, String> extra) throws Exception {
        return start(new Cluster(size, transport, extra));
    }

    /** Like {@link #start}, with manual membership: each node's address in {@code ADDRESS} (API.md 8.1). */
    public static Cluster startManual(int size, Function<NetworkFaults, PeerTransport> transport, Map<String, String> extra)
            throws Exception {
        Cluster cluster = new Cluster(size, transport, extra);
        cluster.addressSetting = "ADDRESS";
        return start(cluster);
    }

    private static Cluster start(Cluster cluster) throws Exception {
        int size = cluster.nodes.length;
        try {
            List<Thread> starters = new ArrayList<>();
            Exception[] failure = new Exception[1];
            for (int i = 0; i < size; i++) {
                int index = i;
                Thread starter = new Thread(() -> {
                    try {
                        cluster.startNode(index);
                    } catch (Exception e) {
                        failure[0] = e;
                    }
                });
                starter.start();
                starters.add(starter);
            }
            for (Thread starter : starters) {
                starter.join(30_000);
            }
            if (failure[0] != null) {
                throw failure[0];
            }
            // A new cluster's replicas are ready once every member has heard the others start.
            for (int i = 0; i < size; i++) {
                int index = i;
                Await.until(READY_BOUND, "node " + i + " answers /ready",
                        () -> Http.send("GET", cluster.url(index, "/ready")).status() == 200);
            }
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Starts (or restarts) node {@code i} on its address. */
    public void startNode(int i) throws Exception {
        Map<String, String> own = new LinkedHashMap<>(settings);
        own.put(addressSetting, address(i));
        withOwnDataDir(own, i);
        nodes[i] = EmbeddedNode.startOn(ports.get(i), own, Map.of(PeerTransport.CONTEXT_ATTRIBUTE, transport));
    }

    /**
     * Starts one more node on a new address, with a VIEW of every node including itself, as an
     * operator adds a node to a running cluster. Returns its index.
     */
    public int addNode() throws Exception {
        return addNodeWithout();
    }

    /**
     * Like {@link #addNode()}, without some of the cluster's settings: a node joining a sharded
     * cluster is started without {@code SHARD_COUNT} (API.md 2.1).
     */
    public int addNodeWithout(String... settingNames) throws Exception {
        ports.add(FreePorts.reserve());
        nodes = java.util.Arrays.copyOf(nodes, nodes.length + 1);
        int index = nodes.length - 1;
        Map<String, String> own = new LinkedHashMap<>(settings);
        for (String name : settingNames) {
            own.remove(name);
        }
        own.put("VIEW", String.join(",", addresses()));
        own.put(addressSetting, address(index));
        withOwnDataDir(own, index);
        nodes[index] = EmbeddedNode.startOn(ports.get(index), own, Map.of(PeerTransport.CONTEXT_ATTRIBUTE, transport));
        return index;
    }

    /** A cluster given a DATA_DIR gives each node a directory of its own under it, kept across restarts. */
    private void withOwnDataDir(Map<String, String> own, int i) {
        if (settings.containsKey("DATA_DIR")) {
            own.put("DATA_DIR", dataDir(i).toString());
        }
    }

    /** The data directory of node {@code i}, when the cluster was started with a DATA_DIR. */
    public java.nio.file.Path dataDir(int i) {
        return java.nio.file.Path.of(settings.get("DATA_DIR")).toAbsolutePath().resolve("node-" + ports.get(i));
    }

    /** Stops node {@code i} at once, like a process that dies. */
    public void stopNode(int i) {
        if (nodes[i] != null) {
            nodes[i].close();
            nodes[i] = null;
        }
    }

    @Override
    public boolean isRunning(int i) {
        return nodes[i] != null;
    }

    @Override
    public int size() {
        return nodes.length;
    }

    @Override
    public String address(int i) {
        return "127.0.0.1:" + ports.get(i);
    }

    public NodeAddress nodeAddress(int i) {
        return NodeAddress.parse(address(i));
    }

    @Override
    public String url(int i, String path) {
        return "http://" + address(i) + path;
    }

    public List<String> addresses() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            all.add(address(i));
        }
        return all;
    }

    public List<Integer> running() {
        List<Integer> up = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] != null) {
                up.add(i);
            }
        }
        return up;
    }

    /** Cuts the peer links between {@code side} and every other node, both ways. */
    public void isolate(int... side) {
        List<NodeAddress> a = new ArrayList<>();
        List<NodeAddress> b = new ArrayList<>();
        for (int i = 0; i < nodes.length; i++) {
            boolean inSide = false;
            for (int s : side) {
                inSide |= s == i;
            }
            (inSide ? a : b).add(nodeAddress(i));
        }
        faults.partition(a, b);
    }

    public void heal() {
        faults.heal();
    }

    public NetworkFaults faults() {
        return faults;
    }

    @Override
    public void close() {
        for (int i = 0; i < nodes.length; i++) {
            try {
                stopNode(i);
            } catch (RuntimeException e) {
                // keep stopping the others
            }
        }
    }
}
