package io.causalkv.keys;

import io.causalkv.causal.CausalContext;
import io.causalkv.replication.LocalShard;
import io.causalkv.replication.ShardReplica;
import io.causalkv.replication.UnmetDependencies;
import java.time.Duration;

/**
 * What a request does when its metadata names writes of this shard that the serving replica
 * has not applied yet (API.md 4.4, last table): each dialect stacks its own rule over the
 * replica. A standalone node stacks none: it is the only replica, nothing can be missing.
 */
public abstract class DependencyGate implements KeyStore {

    private final KeyStore next;

    DependencyGate(KeyStore next) {
        this.next = next;
    }

    @Override
    public final KeyAnswer answer(KeyRequest request) {
        KeyRequest checked = request.at().replica().satisfies(request.context()) ? request : withoutLost(request);
        if (!checked.at().replica().satisfies(checked.context()) && !admits(checked)) {
            throw new KeyRequestRejected(refusal(checked), checked.context());
        }
        return next.answer(checked);
    }

    /**
     * Unmet dependencies on writes that can never come are not waited for (AntiEntropy#examine):
     * a replica this shard never had is invalid metadata (400); one whose unmet writes died with
     * it is dropped from the request's context, so its answer no longer names it either.
     */
    private static KeyRequest withoutLost(KeyRequest request) {
        LocalShard shard = request.at().shard();
        if (shard == null) {
            return request;
        }
        UnmetDependencies.Unmet unmet = shard.antiEntropy().examine(request.context());
        if (unmet.neverExisted()) {
            throw new KeyRequestRejected(KeyRequestRejected.Reason.INVALID_METADATA, request.context());
        }
        return unmet.lost().isEmpty() ? request
                : request.withContext(request.context().without(shard.replica().shard(), unmet.lost()));
    }

    /** Whether a request whose dependencies are not applied here yet goes on. */
    abstract boolean admits(KeyRequest request);

    KeyRequestRejected.Reason refusal(KeyRequest request) {
        return KeyRequestRejected.Reason.DEPENDENCIES_UNMET;
    }

    /** When waiting or fetching for {@code request} must end: its bound, within the request's deadline. */
    static long until(KeyRequest request, Duration bound) {
        return Math.min(request.deadline(), System.nanoTime() + bound.toNanos());
    }

    /** {@code kvs}: 503 at once (API.md 6.4). */
    public static DependencyGate refuse(KeyStore next) {
        return new DependencyGate(next) {
            @Override
            boolean admits(KeyRequest request) {
                return false;
            }
        };
    }

    /** {@code key-value-store}: wait up to {@code bound} for them to arrive, then 503 (API.md 7.2). */
    public static DependencyGate await(Duration bound, KeyStore next) {
        return new DependencyGate(next) {
            @Override
            boolean admits(KeyRequest request) {
                return request.at().replica().awaitSatisfied(request.context(), until(request, bound));
            }
        };
    }

    /**
     * {@code kvs-keys} (API.md 8.6): a write is accepted at once, recorded with its dependencies,
     * and so is the delete of a live key; a read, or a delete that must vouch for absence, first
     * fetches from the shard's reachable peers up to {@code bound}, else is refused as unsatisfiable.
     */
    public static DependencyGate fetch(Duration bound, KeyStore next) {
        return new DependencyGate(next) {
            @Override
            boolean admits(KeyRequest request) {
                if (request.op() == KeyRequest.Op.PUT || (request.op() == KeyRequest.Op.DELETE && isLive(request))) {
                    return true;
                }
                ShardReplica replica = request.at().replica();
                CausalContext context = request.context();
                return request.at().shard().antiEntropy().catchUp(() -> replica.satisfies(context), until(request, bound));
            }

            @Override
            KeyRequestRejected.Reason refusal(KeyRequest request) {
                return KeyRequestRejected.Reason.UNSATISFIABLE;
            }
        };
    }

    private static boolean isLive(KeyRequest request) {
        var current = request.at().replica().read(request.key());
        return current != null && current.isLive();
    }
}
