package io.causalkv.node;

import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.transport.PeerUnreachableException;
import io.causalkv.transport.ReshardStep;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
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
 * old shard had no member able to hand its keys over, when some new shard has no member to take
 * them (all of its members down or silent), or when a node refuses to stage it because
 * a concurrent reshard (coordinated elsewhere) got there first: two layouts are never mixed.
 */
final class Resharder {

    /** The whole reshard is bounded; it answers well within the 20 s of API.md 10.5. */
    static final long STEP_WAIT_MILLIS = 9_000;
    /**
     * A view change answers within 5 s (API.md 8.5): stage and transfer (or an abort), the
     * commit's spread, then the counts (asked, else taken from heartbeats).
     */
    static final long VIEW_CHANGE_STEP_WAIT_MILLIS = 1_200;
    /** How long the coordinator waits for the commit to reach the new members before answering. */
    static final long SPREAD_WAIT_MILLIS = 600;
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
        /** Some old shard had no member able to hand its keys over, or some new shard none to take them: abandoned, nothing changed. */
        UNAVAILABLE
    }

    private enum Answer { DONE, REFUSED, UNREACHABLE }

    /** Reshards into {@code shardCount} shards; one at a time per coordinator, a second one gives way. */
    Outcome reshard(int shardCount) {
        return exclusively(() -> {
            ClusterMap before = runtime.membership().map();
            return move(before, before.resharded(shardCount), false, STEP_WAIT_MILLIS);
        });
    }

    /**
     * Replaces the view and layout ({@code kvs-keys} view change, API.md 8.5). Every node of the
     * new view must take part, and it all must fit the dialect's 5 s: steps are bounded shorter.
     */
    Outcome changeView(List<NodeAddress> view, int replFactor) {
        return exclusively(() -> {
            ClusterMap before = runtime.membership().map();
            return move(before, before.viewChanged(view, replFactor), true, VIEW_CHANGE_STEP_WAIT_MILLIS);
        });
    }

    private Outcome exclusively(java.util.function.Supplier<Outcome> work) {
        if (!running.tryLock()) {
            return Outcome.CONFLICT;
        }
        try {
            return work.get();
        } finally {
            running.unlock();
        }
    }

    /**
     * Moves every key from the layout of {@code before} to that of {@code proposed}; see the class
     * comment. {@code allMustStage}: a node of the new layout that does not answer abandons it.
     */
    private Outcome move(ClusterMap before, ClusterMap proposed, boolean allMustStage, long stepWaitMillis) {
        // One id per attempt: a retry of an abandoned proposal is a new proposal (issue 16, item 4).
        String proposal = runtime.self() + "/" + UUID.randomUUID();
        java.util.LinkedHashSet<NodeAddress> involved = new java.util.LinkedHashSet<>(before.members());
        involved.addAll(proposed.members());
        List<NodeAddress> members = List.copyOf(involved);
        long started = System.nanoTime();
        Map<NodeAddress, Answer> stage = everyone(members, step(ReshardStep.Phase.STAGE, proposed, List.of(), proposal), stepWaitMillis);
        List<NodeAddress> staged = with(stage, Answer.DONE);
        if (stage.containsValue(Answer.REFUSED)) {
            abort(members, staged, proposed, proposal, stepWaitMillis);
            LOG.log(Level.WARNING, "{0}: layout e{1} gave way to a concurrent change", runtime.self(), proposed.layout().epoch());
            return Outcome.CONFLICT;
        }
        if (allMustStage && !staged.containsAll(proposed.members())) {
            abort(members, staged, proposed, proposal, stepWaitMillis); // before any key is copied
            LOG.log(Level.WARNING, "{0}: layout e{1} abandoned: a node of the new view did not answer",
                    runtime.self(), proposed.layout().epoch());
            return Outcome.UNAVAILABLE;
        }
        // Most of the layout's holders must take part: the other side of a partition, which has
        // removed these nodes from its view, could otherwise change the layout too (issue 16, item 5).
        List<NodeAddress> holders = before.layoutHolders();
        if (!holders.isEmpty() && holders.stream().filter(staged::contains).count() * 2 <= holders.size()) {
            abort(members, staged, proposed, proposal, stepWaitMillis); // before any key is copied
            LOG.log(Level.WARNING, "{0}: layout e{1} abandoned: {2} of the {3} nodes of the current layout answered, not most",
                    runtime.self(), proposed.layout().epoch(), holders.stream().filter(staged::contains).count(), holders.size());
            return Outcome.UNAVAILABLE;
        }
        // A new shard none of whose members staged would get its keys nowhere: committing would
        // retire every old replica of them, and the shard would come back empty (issue 16).
        OptionalInt unreached = shardWithoutStagedMember(proposed, staged);
        if (unreached.isPresent()) {
            abort(members, staged, proposed, proposal, stepWaitMillis); // before any key is copied
            LOG.log(Level.WARNING, "{0}: layout e{1} abandoned: no member of its shard {2} answered",
                    runtime.self(), proposed.layout().epoch(), unreached.getAsInt());
            return Outcome.UNAVAILABLE;
        }
        // Handed-over keys are imported, not replicated: every node that staged must get all of
        // its keys, or its new replica would miss some for good. One sender per old shard (issue
        // 16, item 6): it pulls what the shard's other participants have and it lacks, then sends.
        List<NodeAddress> senders = senders(before, staged);
        List<NodeAddress> transferred = with(everyone(staged,
                new ReshardStep(ReshardStep.Phase.TRANSFER, proposed, staged, proposal, senders), stepWaitMillis), Answer.DONE);
        if (!transferred.containsAll(staged) || !everyOldShardHandedOver(before, transferred)) {
            abort(members, staged, proposed, proposal, stepWaitMillis);
            LOG.log(Level.WARNING, "{0}: layout e{1} abandoned: keys could not be handed over in full",
                    runtime.self(), proposed.layout().epoch());
            return Outcome.UNAVAILABLE;
        }
        runtime.membership().propose(m -> m.merge(proposed));
        // Spread the commit at once, to the nodes leaving too, and wait (briefly) until they serve it.
        spreadCommit(members);
        LOG.log(Level.INFO, "{0}: layout e{1} committed ({2} shards) in {3} ms", runtime.self(),
                proposed.layout().epoch(), proposed.layout().shardCount(), (System.nanoTime() - started) / 1_000_000);
        return Outcome.DONE;
    }

    /**
     * Abandons a proposal everywhere. The answer waits for the nodes that staged it (their client
     * writes are frozen until they hear it), not for the others: those are told too, without
     * waiting (a STAGE read late is past its deadline and refused; a refusing node staged another
     * proposal), so a silent node holds the client's answer once (the STAGE wait), not twice.
     */
    private void abort(List<NodeAddress> members, List<NodeAddress> staged, ClusterMap proposed, String proposal,
                       long stepWaitMillis) {
        ReshardStep abort = step(ReshardStep.Phase.ABORT, proposed, List.of(), proposal);
        runtime.fanout().ask(members.stream().filter(node -> !staged.contains(node)).toList(), Duration.ZERO,
                node -> call(node, abort));
        everyone(staged, abort, stepWaitMillis);
    }

    private static ReshardStep step(ReshardStep.Phase phase, ClusterMap proposed, List<NodeAddress> participants,
                                    String proposal) {
        return new ReshardStep(phase, proposed, participants, proposal);
    }

    /** A shard of {@code proposed} with members, none of which staged it; empty when every one has one. */
    private static OptionalInt shardWithoutStagedMember(ClusterMap proposed, List<NodeAddress> staged) {
        for (int shard : proposed.shardIds()) {
            List<NodeAddress> members = proposed.shardMembers(shard);
            if (!members.isEmpty() && members.stream().noneMatch(staged::contains)) {
                return OptionalInt.of(shard);
            }
        }
        return OptionalInt.empty();
    }

    /** Per old shard, its first member (in cluster order) that staged. */
    private static List<NodeAddress> senders(ClusterMap before, List<NodeAddress> staged) {
        List<NodeAddress> senders = new ArrayList<>();
        for (int shard : before.shardIds()) {
            before.shardMembers(shard).stream().filter(staged::contains).findFirst().ifPresent(senders::add);
        }
        return senders;
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
    private Map<NodeAddress, Answer> everyone(List<NodeAddress> nodes, ReshardStep step, long waitMillis) {
        Map<NodeAddress, Answer> answers = new HashMap<>(
                runtime.fanout().ask(nodes, Duration.ofMillis(waitMillis), node -> call(node, step)));
        nodes.forEach(node -> answers.putIfAbsent(node, Answer.UNREACHABLE));
        return answers;
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

    /** Pings every other node with the committed map (they adopt it at once), waiting for them briefly. */
    private void spreadCommit(List<NodeAddress> nodes) {
        List<NodeAddress> others = nodes.stream().filter(node -> !node.equals(runtime.self())).toList();
        // The slow ones learn it from gossip.
        runtime.fanout().ask(others, Duration.ofMillis(SPREAD_WAIT_MILLIS), node -> runtime.failureDetector().probe(node));
    }
}
