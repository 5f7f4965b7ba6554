package io.causalkv.node;

import io.causalkv.causal.CausalContext;
import io.causalkv.transport.PeerResponse;

/**
 * What a key operation did, with the value read (compact JSON, for FOUND) and the causal
 * context to return to the client; or, when another shard owns the key, the owner's answer
 * ({@code relayed}), which the dialect returns unchanged (API.md 6.5).
 */
public record KeyResult(Outcome outcome, String value, CausalContext context, PeerResponse relayed) {

    public enum Outcome { CREATED, REPLACED, FOUND, DELETED, NOT_FOUND, RELAYED }

    public KeyResult(Outcome outcome, String value, CausalContext context) {
        this(outcome, value, context, null);
    }

    static KeyResult relayed(PeerResponse answer) {
        return new KeyResult(Outcome.RELAYED, null, CausalContext.EMPTY, answer);
    }
}
