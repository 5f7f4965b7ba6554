package io.causalkv.node;

import io.causalkv.causal.CausalContext;

/**
 * What a key operation did, with the value read (compact JSON, for FOUND) and the causal
 * context to return to the client.
 */
public record KeyResult(Outcome outcome, String value, CausalContext context) {

    public enum Outcome { CREATED, REPLACED, FOUND, DELETED, NOT_FOUND }
}
