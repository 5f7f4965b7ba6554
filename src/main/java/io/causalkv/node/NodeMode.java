package io.causalkv.node;

/**
 * The node's mode as far as its configuration decides it (API.md 2.2). Which cluster mode a
 * {@code CLUSTER} node is in (replicated, sharded, unassigned, idle) depends on the cluster state
 * it learns from its peers.
 */
public enum NodeMode {
    /** One in-memory store, no peers. */
    STANDALONE,
    /** Key requests are relayed to the main instance. */
    FORWARDING,
    /** A member (or would-be member) of a cluster. */
    CLUSTER
}
