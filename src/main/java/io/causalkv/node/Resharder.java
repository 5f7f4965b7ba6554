package io.causalkv.node;

import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.transport.PeerUnreachableException;
import io.causalkv.transport.ReshardStep;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Coordinates a reshard from the node that received it (API.md 6.7, 9.4, 9.5), in three steps
 * sent to every member of the view:
 * <ol>
 *   <li>STAGE: each node freezes client writes on its replica (they wait, then go to the new
 *       layout) and prepares an empty replica of its shard in the proposed layout;</li>
 *   <li>TRANSFER: each node hands every key it holds, with its version or tombstone, to the
 *       members of the key's new shard;</li>
 *   <li>commit: the proposed map becomes this node's map and spreads like any membership change;
 *       every node then serves from the replica it prepared, already full.</li>
 * </ol>
 * So every key has reached its new shard before any node serves the new layout, and metadata
 * from the old epoch is satisfied by definition. Nodes that do not answer are left out (they
 * fetch their new shard's state when they return); the reshard is abandoned (ABORT) when some
 * old shard had no member able to hand its keys over, or when a node refuses to stage it because
 * a concurrent reshard (coordinated elsewhere) got there first: two layouts are never mixed.
 */
final class Resharder {

    /** The whole reshard is bounded; it answers well within the 20 s of API.md 10.5. */
    static final long STEP_WAIT_MILLIS = 9_000;
    private static final System.Logger LOG = System.getLogger(Resharder.class.getName());

    private final ClusterRuntime runtime;
    private final ReentrantLock running = new ReentrantLock();

    Resharder(ClusterRuntime runtime) {
        this.runtime = runtime;
    }

    /** How a reshard ended. */
    enum Outcome {
        DONE,
        /** Another reshard was being staged at the same time: this one gave up, nothing changed. */
        CONFLICT,
        /** Some old shard had no member able to hand its keys over: abandoned, nothing changed. */
        UNAVAILABLE
    }

    private enum Answer { DONE, REFUSED, UNREACHABLE }

    /** Reshards into {@code shardCount} shards; one at a time per coordinator, a second one gives way. */
    Outcome reshard(int shardCount) {
        if (!running.tryLock()) {
            return Outcome.CONFLICT;
        }
        try {
            return coordinate(shardCount);
        } finally {
            running.unlock();
        }
    }

    private Outcome coordinate(int shardCount) {
        ClusterMap before = runtime.membership().map();
        ClusterMap proposed = before.resharded(shardCount);
        List<NodeAddress> members = proposed.members();
        long started = System.nanoTime();
        Map<NodeAddress, Answer> stage = everyone(members, step(ReshardStep.Phase.STAGE, proposed, List.of()));
        List<NodeAddress> staged = with(stage, Answer.DONE);
        if (stage.containsValue(Answer.REFUSED)) {
            abort(members, proposed);
            LOG.log(Level.WARNING, "{0}: reshard to {1} gave way to a concurrent reshard", runtime.self(), shardCount);
            return Outcome.CONFLICT;
        }
        // Handed-over keys are imported, not replicated: every node that staged must get all of
        // its keys from every other, or its new replica would miss some for good.
        List<NodeAddress> transferred = with(everyone(staged, step(ReshardStep.Phase.TRANSFER, proposed, staged)), Answer.DONE);
        if (!transferred.containsAll(staged) || !everyOldShardHandedOver(before, transferred)) {
            abort(members, proposed);
            LOG.log(Level.WARNING, "{0}: reshard to {1} abandoned: keys could not be handed over in full",
                    runtime.self(), shardCount);
            return Outcome.UNAVAILABLE;
        }
        runtime.membership().propose(m -> m.merge(proposed));
        // Spread the commit at once rather than at the next heartbeat.
        everyoneAsync(members);
        LOG.log(Level.INFO, "{0}: resharded into {1} shards (epoch {2}) in {3} ms", runtime.self(), shardCount,
                proposed.layout().epoch(), (System.nanoTime() - started) / 1_000_000);
        return Outcome.DONE;
    }

    /** Abandons a proposal everywhere, including nodes whose STAGE answer was lost or late. */
    private void abort(List<NodeAddress> members, ClusterMap proposed) {
        everyone(members, step(ReshardStep.Phase.ABORT, proposed, List.of()));
    }

    private static ReshardStep step(ReshardStep.Phase phase, ClusterMap proposed, List<NodeAddress> participants) {
        return new ReshardStep(phase, proposed, participants);
    }

    private static boolean everyOldShardHandedOver(ClusterMap before, List<NodeAddress> transferred) {
        for (int shard : before.shardIds()) {
            List<NodeAddress> holders = before.shardMembers(shard);
            if (!holders.isEmpty() && holders.stream().noneMatch(transferred::contains)) {
                return false;
            }
        }
        return true;
    }

    private static List<NodeAddress> with(Map<NodeAddress, Answer> answers, Answer wanted) {
        return answers.entrySet().stream().filter(e -> e.getValue() == wanted).map(Map.Entry::getKey).toList();
    }

    /** Sends {@code step} to every node in parallel; each node's answer (UNREACHABLE if none in time). */
    private Map<NodeAddress, Answer> everyone(List<NodeAddress> nodes, ReshardStep step) {
        Map<NodeAddress, Answer> answers = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(nodes.size(), 16)));
        try {
            List<CompletableFuture<Void>> calls = new ArrayList<>();
            for (NodeAddress node : nodes) {
                calls.add(CompletableFuture.runAsync(() -> answers.put(node, call(node, step)), pool));
            }
            try {
                CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(STEP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // the slow ones count as unreachable
            }
            Map<NodeAddress, Answer> result = new HashMap<>(answers);
            nodes.forEach(node -> result.putIfAbsent(node, Answer.UNREACHABLE));
            return result;
        } finally {
            pool.shutdownNow();
        }
    }

    private Answer call(NodeAddress node, ReshardStep step) {
        try {
            boolean done = node.equals(runtime.self()) ? runtime.onReshard(step) : runtime.peers().reshard(node, step);
            return done ? Answer.DONE : Answer.REFUSED;
        } catch (PeerUnreachableException e) {
            LOG.log(Level.INFO, "{0}: {1} did not answer reshard step {2}", runtime.self(), node, step.phase());
            return Answer.UNREACHABLE;
        }
    }

    private void everyoneAsync(List<NodeAddress> nodes) {
        for (NodeAddress node : nodes) {
            if (!node.equals(runtime.self())) {
                CompletableFuture.runAsync(() -> runtime.failureDetector().probe(node));
            }
        }
    }
}
