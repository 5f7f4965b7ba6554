package io.causalkv.transport;

import io.causalkv.cluster.NodeAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Faults a test injects into the peer transport: partitions (pairs of nodes that cannot reach
 * each other, both ways) and slow peers (calls to a node take longer). Shared by every node's
 * transport in one test.
 */
public final class NetworkFaults {

    private final Set<Set<NodeAddress>> blocked = ConcurrentHashMap.newKeySet();
    private final Map<NodeAddress, Duration> delays = new ConcurrentHashMap<>();

    /** Cuts every link between the two sides. */
    public void partition(Collection<NodeAddress> sideA, Collection<NodeAddress> sideB) {
        for (NodeAddress a : sideA) {
            for (NodeAddress b : sideB) {
                if (!a.equals(b)) {
                    blocked.add(Set.of(a, b));
                }
            }
        }
    }

    /** Every call to {@code node} takes {@code delay} longer. */
    public void slow(NodeAddress node, Duration delay) {
        delays.put(node, delay);
    }

    /** Removes every partition and delay. */
    public void heal() {
        blocked.clear();
        delays.clear();
    }

    public boolean isBlocked(NodeAddress from, NodeAddress to) {
        return from != null && blocked.contains(Set.of(from, to));
    }

    /** Applies the faults of one call: a delay, then unreachable if the link is cut. */
    void apply(NodeAddress from, NodeAddress to) throws PeerUnreachableException {
        Duration delay = delays.get(to);
        if (delay != null) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (isBlocked(from, to)) {
            throw new PeerUnreachableException(to, new java.io.IOException("partitioned from " + from));
        }
    }
}
