package io.causalkv.node;

import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.durability.DataDirectory;
import io.causalkv.keys.Acknowledgements;
import io.causalkv.keys.KeyPaths;
import io.causalkv.keys.KeyRules;
import io.causalkv.keys.KeyStore;
import io.causalkv.keys.MemberRelay;
import io.causalkv.replication.LocalShard;
import io.causalkv.replication.ShardReplica;
import io.causalkv.replication.StateDelta;
import io.causalkv.transport.CountingPeerClient;
import io.causalkv.transport.PeerHandler;
import io.causalkv.transport.PeerTransport;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The composition root of one node: it wires the key paths ({@link KeyPaths}) for the node's
 * mode, the view and shard operations, the peer receiver and the cluster's background work
 * ({@link ClusterRuntime}), and starts and stops them.
 */
public final class Node implements AutoCloseable {

    private final NodeConfig config;
    private final CountingPeerClient peers;
    private final PeerReceiver receiver;
    /** The store of a standalone node; null otherwise (a cluster's shard host holds its replica). */
    private final ShardReplica standalone;
    /** The cluster side; null in standalone and forwarding modes. */
    private final ClusterRuntime cluster;
    private final KeyPaths keyPaths;
    /** The view and shard operations; null in standalone and forwarding modes. */
    private final ShardOperations shardOperations;
    private volatile boolean ready;
    private final Acknowledgements acknowledgements = new Acknowledgements();
    /** The node's data directory (DATA_DIR); null when everything lives in memory. */
    private final DataDirectory data;

    public Node(NodeConfig config, PeerTransport transport) {
        this.config = config;
        NodeAddress self = config.mode() == NodeMode.CLUSTER ? config.address().orElseThrow() : null;
        this.receiver = new PeerReceiver(this::requireCluster);
        this.peers = new CountingPeerClient(transport.connect(self, receiver, config.clusterToken()));
        this.data = config.dataDir().map(dir -> DataDirectory.open(dir, self == null ? "" : self.toString(), config.fsync()))
                .orElse(null);
        // The incarnation makes a restarted node a new replica: it never reuses its old sequence
        // numbers, even those of writes its log lost (KVS_FSYNC=interval or none) that a peer holds.
        long incarnation = Math.max(System.currentTimeMillis(),
                data == null ? 0 : data.saved().map(saved -> saved.incarnation() + 1).orElse(0L));
        try {
            this.standalone = config.mode() == NodeMode.STANDALONE ? standaloneReplica(data) : null;
            this.cluster = self == null ? null : new ClusterRuntime(self, config, peers, incarnation, data);
        } catch (RuntimeException e) {
            if (data != null) {
                data.close(); // its lock too: a redeploy in this JVM may use the directory
            }
            peers.close();
            throw e;
        }
        if (cluster != null) {
            MemberRelay relay = new MemberRelay(peers, cluster);
            this.keyPaths = KeyPaths.cluster(cluster, relay, config.writeAcks(), acknowledgements);
            this.shardOperations = new ShardOperations(cluster, peers, new Resharder(cluster), relay);
        } else {
            this.keyPaths = config.mode() == NodeMode.FORWARDING
                    ? KeyPaths.forwarding(config.forwardingAddress().orElseThrow(), peers)
                    : KeyPaths.standalone(standalone);
            this.shardOperations = null;
        }
    }

    /** The store of a standalone node, restored from its log when it has a data directory. */
    private static ShardReplica standaloneReplica(DataDirectory data) {
        ShardReplica replica = new ShardReplica("local", 1, 1);
        if (data != null) {
            data.save(new DataDirectory.Identity("", null, 0));
            ReplicaLogs.restore(data, replica, false);
        }
        return replica;
    }

    /** Joins the cluster (announce, fetch state) within a bounded time, then starts background work. */
    public void start() {
        if (cluster != null) {
            cluster.start();
        }
        ready = true;
    }

    public NodeConfig config() {
        return config;
    }

    /** Joined, and holding its shard's state if it hosts one (a rolling restart waits for this). */
    public boolean isReady() {
        return ready && (cluster == null || cluster.hasItsState());
    }

    /** The key path a dialect with these rules serves its key requests through. */
    public KeyStore keys(KeyRules rules) {
        return keyPaths.of(rules);
    }

    /** The view and shard operations (API.md 6.6, 6.7); outside a cluster, {@link NotInClusterException}. */
    public ShardOperations shards() {
        if (shardOperations == null) {
            throw new NotInClusterException();
        }
        return shardOperations;
    }

    /** True when this node is part of a cluster (it has an address and does not forward). */
    public boolean inCluster() {
        return cluster != null;
    }

    /** {@code kvs-keys} replicated mode: the cluster was given a replication factor (API.md 8.1). */
    public boolean keysReplicated() {
        return cluster != null && cluster.map().layout().replFactor() > 0;
    }

    /** The live keys this node's replica holds (its shard's keys; 0 when unassigned). */
    public int liveKeyCount() {
        ShardReplica replica = replica();
        return replica == null ? 0 : replica.liveKeyCount();
    }

    /** What the node's metrics report (see {@link NodeGauges}). */
    public NodeGauges gauges() {
        LocalShard here = cluster == null ? null : cluster.hosted();
        return NodeGauges.of(replica(), here == null ? null : here.replicator(),
                cluster == null ? Map.of() : shardOperations.peerStates());
    }

    /** How this node's writes under {@code KVS_WRITE_ACKS=2} were acknowledged so far. */
    public Acknowledgements acknowledgements() {
        return acknowledgements;
    }

    /** Entries this node has taken from reshard hand-overs so far (0 outside a cluster). */
    public long handedOverEntriesReceived() {
        return cluster == null ? 0 : cluster.host().handedOverEntriesIn();
    }

    private ShardReplica replica() {
        if (cluster == null) {
            return standalone;
        }
        LocalShard here = cluster.hosted();
        return here == null ? null : here.replica();
    }

    /** What this node has sent its peers so far, by kind of call (for /metrics). */
    public CountingPeerClient peerTraffic() {
        return peers;
    }

    /** The receiving side of the peer protocol, for the transport that serves it. */
    public PeerHandler peerReceiver() {
        return receiver;
    }

    /** The cluster side of the node, empty in standalone and forwarding modes. */
    public Optional<ClusterRuntime> cluster() {
        return Optional.ofNullable(cluster);
    }

    private ClusterRuntime requireCluster() {
        if (cluster == null) {
            throw new NotInClusterException();
        }
        return cluster;
    }

    @Override
    public void close() {
        if (cluster != null) {
            cluster.close();
        }
        peers.close();
        if (data != null) {
            data.close();
        }
    }

    /** Seconds since the snapshot of this node's replica was made (NaN without a data directory or a snapshot). */
    public double snapshotAgeSeconds() {
        ShardReplica replica = replica();
        return data == null || replica == null ? Double.NaN : data.snapshotAgeSeconds(replica.ref());
    }

    /** Reads every shard for a backup; outside a cluster, {@link NotInClusterException}. */
    public Backup backup() {
        return new Backup(requireCluster());
    }

    /** The entries of this standalone node's store, for a backup (empty in other modes). */
    public List<StateDelta.KeyedEntry> standaloneEntries() {
        return standalone == null ? List.of() : standalone.changesSince(VectorClock.EMPTY, true).entries();
    }

    /** The data directory, if the node has one. */
    public Optional<DataDirectory> dataDirectory() {
        return Optional.ofNullable(data);
    }

    /** A cluster operation on a node that is not part of a cluster (API.md 6.2). */
    public static final class NotInClusterException extends RuntimeException {
        public NotInClusterException() {
            super("Node is not part of a cluster", null, false, false);
        }
    }
}
