package io.causalkv.node;

import io.causalkv.causal.CausalContext;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.transport.PeerResponse;

/**
 * What a key operation did: the value read (compact JSON, for FOUND), the causal context to
 * return to the client, and the shard that served it; or, when another shard owns the key, the
 * owner's answer ({@code relayed}, from the member {@code relayedBy}), which the dialect returns
 * unchanged (API.md 6.5) or, in {@code kvs-keys}, with the member's address (8.7).
 */
public record KeyResult(Outcome outcome, String value, CausalContext context, int shard, PeerResponse relayed,
                        NodeAddress relayedBy) {

    public enum Outcome { CREATED, REPLACED, FOUND, DELETED, NOT_FOUND, RELAYED }

    public KeyResult(Outcome outcome, String value, CausalContext context, int shard) {
        this(outcome, value, context, shard, null, null);
    }

    static KeyResult relayed(PeerResponse answer, NodeAddress member) {
        return new KeyResult(Outcome.RELAYED, null, CausalContext.EMPTY, 0, answer, member);
    }
}
