package io.causalkv.node;

import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.replication.AntiEntropy;
import io.causalkv.replication.LocalShard;
import io.causalkv.replication.StateDelta;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerOperation;
import io.causalkv.transport.PeerUnreachableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A backup of every shard (issue 18), taken from a running cluster: each shard's entries as one
 * ready member holds them (this node's replica if it hosts the shard, else a member's, through
 * the paged sync of anti-entropy). Each shard is one replica's state at one time; shards are
 * read one after the other, not at one instant (see docs/RELIABILITY.md, "Backup and restore").
 */
public final class Backup {

    private final ClusterRuntime cluster;

    Backup(ClusterRuntime cluster) {
        this.cluster = cluster;
    }

    /** The cluster's layout epoch and shard ids when the backup starts. */
    public ClusterMap map() {
        return cluster.map();
    }

    /**
     * Every entry (values and tombstones) of {@code shard}; {@link ShardRequestRejected} with
     * {@code SHARD_UNAVAILABLE} when no member gives them.
     */
    public List<StateDelta.KeyedEntry> entriesOf(int shard) {
        ClusterMap map = cluster.map();
        ShardRef ref = new ShardRef(shard, map.layout().epoch());
        LocalShard here = cluster.hosted();
        if (here != null && here.ref().equals(ref) && here.isReady()) {
            return here.replica().changesSince(VectorClock.EMPTY, true).entries();
        }
        for (NodeAddress member : map.shardMembers(shard)) {
            if (!member.equals(cluster.self()) && cluster.isReachable(member)) {
                Optional<List<StateDelta.KeyedEntry>> entries = pull(member, ref);
                if (entries.isPresent()) {
                    return entries.get();
                }
            }
        }
        throw new ShardRequestRejected(ShardRequestRejected.Reason.SHARD_UNAVAILABLE);
    }

    /** Every page of {@code member}'s replica of {@code ref}, or empty if it gives none. */
    private Optional<List<StateDelta.KeyedEntry>> pull(NodeAddress member, ShardRef ref) {
        PeerClient peers = cluster.peers();
        PeerOperation.SyncRequest request = new PeerOperation.SyncRequest(cluster.self(), ref, VectorClock.EMPTY, false,
                AntiEntropy.PAGE_ENTRIES);
        List<StateDelta.KeyedEntry> entries = new ArrayList<>();
        try {
            for (int page = 0; page < 1_000_000; page++) { // bounded: a page holds at least one entry
                Optional<StateDelta> answer = peers.sync(member, request);
                if (answer.isEmpty()) {
                    return Optional.empty();
                }
                entries.addAll(answer.get().entries());
                if (!answer.get().isPartial()) {
                    return Optional.of(entries);
                }
                request = request.after(answer.get().next());
            }
        } catch (PeerUnreachableException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
