package io.causalkv.keys;

import io.causalkv.causal.CausalContext;
import io.causalkv.replication.ShardReplica;
import io.causalkv.replication.Write;
import io.causalkv.store.Entry;
import io.causalkv.store.WriteOutcome;
import java.util.Optional;

/**
 * The bottom of the key path: reads and writes the replica routing chose, and hands each write
 * to its replicator. Every answer carries the client's context merged with what it saw, less
 * the replicas of dead incarnations (sealed: every member has all their writes that exist).
 * A write is answered once its replica's log has it on disk (with a data directory, issue 18).
 */
public final class ReplicaStore implements KeyStore {

    @Override
    public KeyAnswer answer(KeyRequest request) {
        Hosted at = request.at();
        ShardReplica replica = at.replica();
        CausalContext context = request.context();
        return switch (request.op()) {
            case GET -> {
                Entry entry = replica.read(request.key());
                yield entry == null || !entry.isLive() ? notFound(replica, context, entry)
                        : KeyAnswer.Served.read(KeyAnswer.Outcome.FOUND, entry.value(),
                                replica.withoutSealed(context.merge(replica.historyOf(entry))), replica.shard());
            }
            case PUT -> {
                ShardReplica.LocalWrite done = replica.put(request.key(), request.value().orElseThrow(), context,
                        at::replicate);
                replica.awaitDurable();
                yield written(done.outcome() == WriteOutcome.CREATED ? KeyAnswer.Outcome.CREATED
                        : KeyAnswer.Outcome.REPLACED, replica, context, done.write());
            }
            case DELETE -> {
                Optional<Write> tombstone = replica.delete(request.key(), context, at::replicate);
                if (tombstone.isPresent()) {
                    replica.awaitDurable();
                }
                yield tombstone.isEmpty() ? notFound(replica, context, replica.read(request.key()))
                        : written(KeyAnswer.Outcome.DELETED, replica, context, tombstone.get());
            }
        };
    }

    private static KeyAnswer written(KeyAnswer.Outcome outcome, ShardReplica replica, CausalContext context, Write write) {
        return new KeyAnswer.Served(outcome, null, replica.withoutSealed(context.merge(replica.historyOf(write))), replica.shard(),
                Optional.of(write));
    }

    /** Absent; a tombstone's history still joins the context (the client has seen the delete). */
    private static KeyAnswer notFound(ShardReplica replica, CausalContext context, Entry tombstone) {
        CausalContext seen = tombstone == null ? context : context.merge(replica.historyOf(tombstone));
        return KeyAnswer.Served.read(KeyAnswer.Outcome.NOT_FOUND, null, replica.withoutSealed(seen), replica.shard());
    }
}
