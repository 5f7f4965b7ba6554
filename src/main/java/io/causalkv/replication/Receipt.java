package io.causalkv.replication;

/**
 * A replica's answer to a batch of replicated writes: whether it took them ({@code accepted}:
 * applied, or buffered until their dependencies arrive; false: retry later), and how far it has
 * applied the origin's writes ({@code applied}, a sequence number). Only applied writes count as
 * held for the origin's acknowledgement (API.md 6.4): a buffered write whose dependencies are on
 * no replica but the origin dies with it (issue 17).
 */
public record Receipt(boolean accepted, long applied) {

    /** Not taken: the peer hosts no replica of that shard, or its buffer is full. */
    public static final Receipt REFUSED = new Receipt(false, 0);
}
