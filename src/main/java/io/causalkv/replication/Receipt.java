package io.causalkv.replication;

/**
 * A replica's answer to a batch of replicated writes: whether it took them ({@code accepted}:
 * applied, held unseen, or buffered until their dependencies arrive; false: retry later), and how
 * far it holds the origin's writes ({@code held}, a sequence number): applied, or held unseen in
 * an unbroken run after the applied ones ({@link StagedWrites}), certain to be shown. Only those
 * count for the origin's acknowledgement (API.md 6.4): a buffered write waits for writes that may
 * be on no replica but the origin, and dies with it (issue 17).
 */
public record Receipt(boolean accepted, long held) {

    /** Not taken: the peer hosts no replica of that shard, or it is full. */
    public static final Receipt REFUSED = new Receipt(false, 0);
}
