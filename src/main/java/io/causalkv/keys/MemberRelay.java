package io.causalkv.keys;

import io.causalkv.causal.CausalContext;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerRequest;
import io.causalkv.transport.PeerUnreachableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Relays a client request unchanged to members of another shard in turn, reachable ones first,
 * within a deadline, and returns the first answer (API.md 6.5).
 */
public final class MemberRelay {

    /**
     * A request is relayed at most this many times: once normally, once more when the receiving
     * member has already moved to a newer layout. Bounds loops while nodes disagree on the layout.
     */
    static final int MAX_HOPS = 2;

    private final PeerClient peers;
    private final Placement placement;

    public MemberRelay(PeerClient peers, Placement placement) {
        this.peers = peers;
        this.placement = placement;
    }

    /**
     * Relays {@code request} to {@code members}. A read leaves time for the members after each
     * one unless {@code wholeBudget}; a write always gives its first member the whole budget.
     *
     * @param nameMember whether the answer names the member (not for this node's own shard)
     */
    KeyAnswer.Relayed relay(List<NodeAddress> members, PeerRequest request, long deadline, boolean wholeBudget,
                            boolean nameMember) {
        if (request.hops() >= MAX_HOPS) {
            throw shardUnavailable();
        }
        List<NodeAddress> order = reachableFirst(members);
        // A write goes to one member at most: another member is tried only when this one
        // certainly never got it (no connection). A slow member that got it would apply it after
        // the next member had, and the client's one write would be two versions (the second
        // answered 200 "replaced" for a new key, or beating a concurrent write of another client).
        // So a write gives its first member the whole budget; if that member stays silent the
        // answer is 503, and the member refuses the request should it read it after the budget.
        boolean once = !"GET".equals(request.method());
        for (int i = 0; i < order.size(); i++) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            long share = wholeBudget || once ? left : Math.max(Math.min(left, 1_000_000_000L), left / (order.size() - i));
            try {
                return new KeyAnswer.Relayed(peers.relay(order.get(i), new PeerRequest(request.method(),
                        request.rawPath(), request.body(), Duration.ofNanos(share), request.hops() + 1)),
                        nameMember ? order.get(i) : null);
            } catch (PeerUnreachableException e) {
                // Not a health verdict: the member may just be slow (a write waiting out a
                // reshard). The failure detector decides who is down.
                if (once && e.mayHaveArrived()) {
                    break;
                }
            }
        }
        throw shardUnavailable();
    }

    /** Relays a request that must not be repeated to the first reachable member, with all the time left. */
    public KeyAnswer.Relayed relayOnce(List<NodeAddress> members, PeerRequest request, long deadline) {
        List<NodeAddress> order = reachableFirst(members);
        return relay(order.isEmpty() ? order : order.subList(0, 1), request, deadline, true, false);
    }

    private List<NodeAddress> reachableFirst(List<NodeAddress> members) {
        List<NodeAddress> order = new ArrayList<>(members);
        order.sort(Comparator.comparing(peer -> !placement.isReachable(peer)));
        return order;
    }

    static KeyRequestRejected shardUnavailable() {
        return new KeyRequestRejected(KeyRequestRejected.Reason.SHARD_UNAVAILABLE, CausalContext.EMPTY);
    }
}
