package io.causalkv.node;

/**
 * A peer call to a node whose start-up join is not over. Its port is open for clients, but to
 * its peers it is not there yet (as when its port opened only after the join): its map is the
 * one of its own settings, which must not reach a running cluster, and its replica is still
 * fetching. Peers see the call fail and retry it as for an unreachable node.
 */
public final class StillJoiningException extends RuntimeException {

    public StillJoiningException() {
        super("Node is joining its cluster", null, false, false);
    }
}
