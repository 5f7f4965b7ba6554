package io.causalkv.transport;

import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import java.util.List;

/**
 * One step of a reshard, sent by the coordinating node to every member (API.md 6.7, 9.5):
 * {@code STAGE} freezes client writes and prepares an empty replica of the node's shard in the
 * proposed layout; {@code TRANSFER} hands every key the node holds to the {@code participants}
 * (the nodes that staged) among the members of its new shard; {@code ABORT} drops the proposal
 * and lets writes in again. The commit is the proposed map itself, spread like any membership
 * change. {@code proposal} names one attempt: a retry of an abandoned reshard proposes the same
 * map under a new id, and only the abandoned id is refused. {@code senders} (TRANSFER): one
 * participant per old shard, which first pulls from the other participants of its shard what it
 * lacks and then alone hands the shard's keys over, so each new replica gets one copy of each key;
 * empty: every participant hands over what it holds (a coordinator that names none).
 */
public record ReshardStep(Phase phase, ClusterMap proposed, List<NodeAddress> participants, String proposal,
                          List<NodeAddress> senders) {

    public enum Phase { STAGE, TRANSFER, ABORT }

    public ReshardStep {
        participants = List.copyOf(participants);
        senders = List.copyOf(senders);
    }

    public ReshardStep(Phase phase, ClusterMap proposed, List<NodeAddress> participants, String proposal) {
        this(phase, proposed, participants, proposal, List.of());
    }

    /** Whether {@code node} hands its keys over in this step. */
    public boolean sends(NodeAddress node) {
        return senders.isEmpty() || senders.contains(node);
    }
}
