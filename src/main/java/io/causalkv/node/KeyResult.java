package io.causalkv.node;

import io.causalkv.causal.CausalContext;
import io.causalkv.transport.PeerResponse;

/**
 * What a key operation did: the value read (compact JSON, for FOUND), the causal context to
 * return to the client, and the shard that served it; or, when another shard owns the key, the
 * owner's answer ({@code relayed}), which the dialect returns unchanged (API.md 6.5).
 */
public record KeyResult(Outcome outcome, String value, CausalContext context, int shard, PeerResponse relayed) {

    public enum Outcome { CREATED, REPLACED, FOUND, DELETED, NOT_FOUND, RELAYED }

    public KeyResult(Outcome outcome, String value, CausalContext context, int shard) {
        this(outcome, value, context, shard, null);
    }

    static KeyResult relayed(PeerResponse answer) {
        return new KeyResult(Outcome.RELAYED, null, CausalContext.EMPTY, 0, answer);
    }
}
