package io.causalkv.keys;

import io.causalkv.causal.CausalContext;
import io.causalkv.transport.PeerRequest;
import java.util.Optional;

/**
 * A client's key request as it goes down the key path. The layers fill in what they learn:
 * validation the decoded {@code context}, routing the {@code deadline} and the replica
 * {@code at} which it is served.
 *
 * @param value the value's compact JSON (PUT); empty when the request has none
 * @param malformedBody the body was not a JSON object (a GET or DELETE is refused for it)
 * @param metadata the client's causal metadata, decoded only when validation reaches it
 * @param received the request as it arrived, to relay unchanged to another node
 * @param deadline {@link System#nanoTime()} by which the answer is due; 0 until routed
 * @param at the replica serving the request here; null until routed
 */
public record KeyRequest(Op op, String key, Optional<String> value, boolean malformedBody, MetadataSource metadata,
                         PeerRequest received, CausalContext context, long deadline, Hosted at) {

    public enum Op { GET, PUT, DELETE }

    public static KeyRequest of(Op op, String key, Optional<String> value, boolean malformedBody,
                                MetadataSource metadata, PeerRequest received) {
        return new KeyRequest(op, key, value, malformedBody, metadata, received, CausalContext.EMPTY, 0, null);
    }

    KeyRequest withContext(CausalContext decoded) {
        return new KeyRequest(op, key, value, malformedBody, metadata, received, decoded, deadline, at);
    }

    KeyRequest servedAt(Hosted replica, long deadlineNanos) {
        return new KeyRequest(op, key, value, malformedBody, metadata, received, context, deadlineNanos, replica);
    }
}
