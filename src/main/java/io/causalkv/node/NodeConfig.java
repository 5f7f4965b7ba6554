package io.causalkv.node;

import io.causalkv.cluster.NodeAddress;
import io.causalkv.transport.ClusterToken;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Every setting of one node, typed and validated (see {@link NodeConfigParser} and the settings
 * table in README.md).
 *
 * @param address this node's own address ({@code SOCKET_ADDRESS}, else {@code ADDRESS})
 * @param membership how the view changes: automatically, by view-change only, or not at all
 * @param view the cluster's nodes in cluster order ({@code VIEW}), without duplicates
 * @param shardCount {@code SHARD_COUNT}, when set
 * @param replFactor {@code REPL_FACTOR}, when set
 * @param forwardingAddress the main instance ({@code FORWARDING_ADDRESS}), when set and not empty
 * @param dialects the dialects this node serves
 * @param writeAcks replicas that hold a write before it is acknowledged ({@code KVS_WRITE_ACKS})
 * @param dependencyWait how long a {@code key-value-store} request waits for unmet causal
 *     dependencies before answering 503 ({@code KVS_DEPENDENCY_WAIT_MS})
 * @param clusterToken the secret peers must present ({@code CLUSTER_TOKEN}), when set
 * @param dataDir where the node keeps its identity and replicas ({@code DATA_DIR}); without
 *     one, everything lives in memory
 * @param fsync when the replica logs reach the disk ({@code KVS_FSYNC}; with a data dir only)
 */
public record NodeConfig(
        Optional<NodeAddress> address,
        Membership membership,
        List<NodeAddress> view,
        Optional<Integer> shardCount,
        Optional<Integer> replFactor,
        Optional<NodeAddress> forwardingAddress,
        Set<Dialect> dialects,
        int writeAcks,
        java.time.Duration dependencyWait,
        Optional<ClusterToken> clusterToken,
        Optional<java.nio.file.Path> dataDir,
        io.causalkv.durability.WriteAheadLog.Sync fsync) {

    /** The port a node without an address listens on (API.md 2.1). */
    public static final int DEFAULT_PORT = 8090;

    public enum Membership { NONE, AUTOMATIC, MANUAL }

    public NodeConfig {
        view = List.copyOf(view);
        dialects = Set.copyOf(dialects);
    }

    public NodeMode mode() {
        if (forwardingAddress.isPresent()) {
            return NodeMode.FORWARDING;
        }
        return address.isPresent() ? NodeMode.CLUSTER : NodeMode.STANDALONE;
    }

    public boolean serves(Dialect dialect) {
        return dialects.contains(dialect);
    }

    /** The port this node's HTTP server is expected to listen on. */
    public int listenPort() {
        return address.map(NodeAddress::port).orElse(DEFAULT_PORT);
    }
}
