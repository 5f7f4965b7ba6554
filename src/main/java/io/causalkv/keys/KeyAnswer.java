package io.causalkv.keys;

import io.causalkv.causal.CausalContext;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.replication.Write;
import io.causalkv.transport.PeerResponse;
import java.util.Optional;

/** What the key path answered: served by a replica here, or another node's answer relayed. */
public sealed interface KeyAnswer {

    enum Outcome { CREATED, REPLACED, FOUND, DELETED, NOT_FOUND }

    /**
     * Served here: the value read (compact JSON, for FOUND), the causal context to return to the
     * client, the shard that served it, and the write it took (for the acknowledgement wait).
     */
    record Served(Outcome outcome, String value, CausalContext context, int shard, Optional<Write> written)
            implements KeyAnswer {

        static Served read(Outcome outcome, String value, CausalContext context, int shard) {
            return new Served(outcome, value, context, shard, Optional.empty());
        }
    }

    /**
     * Another node's answer, which the dialect returns unchanged (API.md 6.5) or, in
     * {@code kvs-keys}, naming {@code member} (8.7); {@code member} is null where the answer
     * must not name it (forwarding mode, or a member of this node's own shard).
     */
    record Relayed(PeerResponse response, NodeAddress member) implements KeyAnswer {
    }
}
