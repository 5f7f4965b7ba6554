package io.causalkv.node;

/** A {@code /shard/*} request the core refuses (API.md 6.7); each dialect renders the reason in its own words. */
public final class ShardRequestRejected extends RuntimeException {

    public enum Reason {
        SHARD_NOT_FOUND, NODE_NOT_IN_VIEW, NODE_IN_OTHER_SHARD, NOT_ENOUGH_NODES, SHARD_UNAVAILABLE,
        /** Another reshard, coordinated by another node, was under way: try again. */
        RESHARD_CONFLICT
    }

    private final Reason reason;

    public ShardRequestRejected(Reason reason) {
        super(reason.name(), null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
