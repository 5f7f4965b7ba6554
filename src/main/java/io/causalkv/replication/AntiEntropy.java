package io.causalkv.replication;

import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerUnreachableException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Periodic repair: pulls from each stable peer of the shard the entries this replica's clock
 * does not cover. It is what brings a replica back after a partition or a dropped queue, and
 * since it only talks to stable peers, a reconnected replica is repaired after about 2 s, never
 * at once (API.md 10.3). Peers' clocks learned from heartbeats spare a pull when nothing is new.
 */
public final class AntiEntropy {

    private final NodeAddress self;
    private final PeerClient client;
    private final Membership membership;
    private final ShardReplica replica;
    private final Map<NodeAddress, VectorClock> peerClocks = new ConcurrentHashMap<>();

    public AntiEntropy(NodeAddress self, PeerClient client, Membership membership, ShardReplica replica) {
        this.self = self;
        this.client = client;
        this.membership = membership;
        this.replica = replica;
    }

    /** Records a peer's applied clock, as a heartbeat reported it. */
    public void observe(NodeAddress peer, VectorClock clock) {
        peerClocks.put(peer, clock);
    }

    /** One round: pull from every stable peer that has something this replica lacks. */
    public void runOnce() {
        for (NodeAddress peer : membership.otherMembers()) {
            VectorClock theirs = peerClocks.get(peer);
            if (!membership.isStable(peer) || (theirs != null && replica.applied().covers(theirs))) {
                continue;
            }
            pullFrom(peer);
        }
    }

    /** Pulls everything {@code peer} has that this replica lacks; false if the peer did not answer. */
    public boolean pullFrom(NodeAddress peer) {
        try {
            replica.merge(client.sync(peer, self, replica.applied()));
            return true;
        } catch (PeerUnreachableException e) {
            membership.health(peer).failed();
            return false;
        }
    }
}
