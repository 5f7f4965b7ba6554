package io.causalkv.replication;

import io.causalkv.causal.CausalContext;
import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerOperation;
import io.causalkv.transport.PeerUnreachableException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Periodic repair: pulls from each stable peer of the shard the entries this replica's clock
 * does not cover. It is what brings a replica back after a partition or a dropped queue, and
 * since it only talks to stable peers, a reconnected replica is repaired after about 2 s, never
 * at once (API.md 10.3). Peers' clocks learned from heartbeats spare a pull when nothing is new.
 */
public final class AntiEntropy {

    /** Entries per sync answer at most (and {@link PeerClient#BATCH_BYTES}): a shard comes in pages. */
    public static final int PAGE_ENTRIES = 2_000;
    /** A pull, all of its pages, takes this long at most; the next round goes on. */
    static final Duration PULL_BOUND = Duration.ofSeconds(60);

    private final NodeAddress self;
    private final PeerClient client;
    private final Membership membership;
    private final ShardReplica replica;
    private final Supplier<List<NodeAddress>> peers;
    private final Map<NodeAddress, ShardStatus> peerReports = new ConcurrentHashMap<>();
    private final BooleanSupplier holdsImported;
    private static final System.Logger LOG = System.getLogger(AntiEntropy.class.getName());
    private final Set<NodeAddress> gapPulls = ConcurrentHashMap.newKeySet();
    private final Supplier<LocalShard.Holders> holders;
    private final StabilityFrontier frontier = new StabilityFrontier();
    private final UnmetDependencies unmet;

    /** With the members as the only holders, and tombstones collected at once (tests). */
    public AntiEntropy(NodeAddress self, PeerClient client, Membership membership, ShardReplica replica,
                       Supplier<List<NodeAddress>> peers, BooleanSupplier holdsImported) {
        this(self, client, membership, replica, peers, holdsImported,
                () -> new LocalShard.Holders(Set.copyOf(peers.get()), membership.now()));
    }

    /**
     * @param holdsImported whether the replica has its shard's state, handed-over entries included (it is ready)
     * @param holders the nodes that keep a place in the shard, whose clocks decide when a tombstone may go
     */
    public AntiEntropy(NodeAddress self, PeerClient client, Membership membership, ShardReplica replica,
                       Supplier<List<NodeAddress>> peers, BooleanSupplier holdsImported, Supplier<LocalShard.Holders> holders) {
        this.holders = holders;
        this.holdsImported = holdsImported;
        this.self = self;
        this.client = client;
        this.membership = membership;
        this.replica = replica;
        this.peers = peers;
        this.unmet = new UnmetDependencies(self, membership, replica, holdsImported, holders, peerReports);
    }

    /** Records a peer's report of its replica, if it is a replica of the same shard and epoch. */
    public void observe(NodeAddress peer, ShardStatus status) {
        if (replica.ref().equals(status.shard())) {
            peerReports.put(peer, status);
            sealDeadIncarnations();
        }
    }

    /**
     * Seals the replicas of dead incarnations (see {@link ShardReplica#seal}): a replica id of a
     * node that now reports another incarnation for this shard (its process restarted; without a
     * disk, what it had sent no one is gone), once every other member of the shard has reported
     * and all, this replica included, have applied exactly as many of its writes. Nothing is
     * sealed while a member is silent: it may hold more of them.
     */
    void sealDeadIncarnations() {
        if (!holdsImported.getAsBoolean()) {
            return; // still fetching its shard's state: its clock says nothing yet
        }
        List<NodeAddress> members = peers.get();
        Set<String> live = new HashSet<>();
        live.add(replica.replicaId());
        List<ShardStatus> reports = new ArrayList<>();
        for (NodeAddress member : members) {
            ShardStatus report = peerReports.get(member);
            if (report == null || report.replica().isEmpty() || !report.ready()) {
                return;
            }
            live.add(report.replica());
            reports.add(report);
        }
        Set<String> candidates = new HashSet<>(replica.applied().entries().keySet());
        reports.forEach(report -> candidates.addAll(report.applied().entries().keySet()));
        for (String candidate : candidates) {
            if (live.contains(candidate) || replica.sealed().containsKey(candidate) || !restarted(candidate, live)) {
                continue;
            }
            long last = replica.applied().get(candidate);
            if (reports.stream().allMatch(report -> report.applied().get(candidate) == last)) {
                replica.seal(candidate, last);
                LOG.log(System.Logger.Level.INFO, "{0}: sealed {1} at {2}: its node restarted, and every member has that many of its writes",
                        self, candidate, last);
            }
        }
    }

    /** See {@link UnmetDependencies#examine}. */
    public UnmetDependencies.Unmet examine(CausalContext context) {
        return unmet.examine(context);
    }

    /** Whether a live replica id names the same node as {@code replicaId} in another incarnation. */
    private static boolean restarted(String replicaId, Set<String> live) {
        String node = ReplicaIds.nodeOf(replicaId);
        String incarnation = ReplicaIds.incarnationOf(replicaId);
        return node != null && live.stream().anyMatch(r -> node.equals(ReplicaIds.nodeOf(r)) && !incarnation.equals(ReplicaIds.incarnationOf(r)));
    }

    /**
     * One round: pull from every stable peer that has something this replica lacks, then drop
     * the tombstones that have become stable.
     */
    public void runOnce() {
        for (NodeAddress peer : peers.get()) {
            ShardStatus report = peerReports.get(peer);
            VectorClock theirs = report == null ? null : report.applied();
            if (!membership.isStable(peer) || (theirs != null && replica.applied().covers(theirs))) {
                continue;
            }
            pullFrom(peer);
        }
        collectTombstones();
    }

    /**
     * Moves the shard's stability frontier with the holders' latest reports and drops the
     * tombstones it covers ({@link StabilityFrontier}, {@link ShardReplica#collectTombstones}).
     * Nothing moves while a holder is unheard from or not ready (a member cut off or down keeps
     * its last report, so its tombstones wait for it), or in the quiet time after the holders
     * changed (a departed member's writes may still come by a late hand-over, which no clock shows).
     * Returns how many went.
     */
    int collectTombstones() {
        LocalShard.Holders shard = holders.get();
        if (!holdsImported.getAsBoolean() || replica.isFrozen() || shard.others() == null
                || membership.now() - shard.quietUntilNanos() < 0) {
            frontier.reset();
            return 0;
        }
        HolderReports reports = HolderReports.of(self, replica, shard.others(), peerReports);
        if (reports == null) {
            frontier.reset();
            return 0;
        }
        VectorClock stable = frontier.advance(reports.applied(), reports.seen());
        int collected = stable.isEmpty() ? 0 : replica.collectTombstones(stable);
        if (collected > 0) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: collected {1} tombstones of {2}", self, collected, replica.ref());
        }
        return collected;
    }

    /**
     * For a client read (kvs-keys, API.md 8.6): pulls from the shard's reachable peers until
     * {@code satisfied} holds or {@code deadlineNanos} passes; each pull gets only the time left.
     * A pull that times out here is no verdict on the peer: it may just be slow.
     */
    public boolean catchUp(BooleanSupplier satisfied, long deadlineNanos) {
        for (NodeAddress peer : peers.get()) {
            if (System.nanoTime() >= deadlineNanos || satisfied.getAsBoolean()) {
                break;
            }
            if (!membership.health(peer).isReachable()) {
                continue;
            }
            try {
                pull(peer, deadlineNanos);
            } catch (PeerUnreachableException e) {
                // try the next peer
            }
        }
        return satisfied.getAsBoolean();
    }

    /**
     * Pulls everything {@code peer} has that this replica lacks; false if the peer did not
     * answer in time or holds no replica of this shard.
     */
    public boolean pullFrom(NodeAddress peer) {
        try {
            return pull(peer, System.nanoTime() + PULL_BOUND.toNanos());
        } catch (PeerUnreachableException e) {
            // A page can take longer than the timeout to come: only a peer that could not be
            // reached at all is a verdict (heartbeats judge the rest).
            if (!e.mayHaveArrived()) {
                membership.health(peer).failed();
            }
            return false;
        }
    }

    /**
     * Pulls what {@code peer}, a replica of the same shard, has and this one lacks, before this
     * one hands the shard's keys over to the layout of {@code epoch} on behalf of both. True also
     * when the peer has no ready replica of the shard: it took no client write, and what was
     * replicated to it came to this replica too (its retired replica hands all it has over later).
     */
    public boolean pullForHandOver(NodeAddress peer, long epoch) {
        try {
            // Within the reshard step's own bound: usually nothing or a few late writes come.
            return pull(peer, System.nanoTime() + PeerOperation.SYNC.timeout().toNanos(), epoch) != Pull.TIMED_OUT;
        } catch (PeerUnreachableException e) {
            return false;
        }
    }

    /**
     * A write from {@code peer} reached this replica but follows writes of the peer's that this
     * one lacks (it was cut off longer than the removal time, took writes meanwhile, and rejoined
     * with new senders): this replica can only buffer it, and it would be on one replica alone.
     * Pulls what the peer has at once; while the peer is not stable, the pull is held unseen
     * ({@link StagedWrites}, API.md 10.3) and still counts for the peer's acknowledgements.
     * One at a time per peer; bounded like a page.
     */
    public void fillGapFrom(NodeAddress peer) {
        if (!gapPulls.add(peer)) {
            return;
        }
        try {
            long deadline = System.nanoTime() + PeerOperation.SYNC.timeout().toNanos();
            if (!membership.health(peer).isReconnecting(membership.now())) {
                pull(peer, deadline);
            } else {
                pullUnseen(peer, deadline);
            }
        } catch (PeerUnreachableException e) {
            // anti-entropy repairs it later
        } finally {
            gapPulls.remove(peer);
        }
    }

    private void pullUnseen(NodeAddress peer, long deadlineNanos) throws PeerUnreachableException {
        PeerOperation.SyncRequest request = new PeerOperation.SyncRequest(self, replica.ref(), replica.applied(),
                holdsImported.getAsBoolean(), PAGE_ENTRIES);
        VectorClock first = null;
        List<StateDelta.KeyedEntry> entries = new ArrayList<>();
        while (System.nanoTime() < deadlineNanos) {
            Duration timeout = Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime()));
            Optional<StateDelta> answer = client.sync(peer, request, timeout);
            if (answer.isEmpty()) {
                return;
            }
            StateDelta page = answer.get();
            first = first == null ? page.clock() : first;
            entries.addAll(page.entries());
            if (!page.isPartial()) {
                replica.stage(peer, new StateDelta(first, entries));
                return;
            }
            request = request.after(page.next());
        }
    }

    private enum Pull { DONE, NO_REPLICA, TIMED_OUT }

    /**
     * Asks {@code peer} for what this replica lacks, page by page until the last or {@code
     * deadlineNanos}. Each page's entries are applied as they come (under the replica's lock for
     * one page only); the first page's clock is merged after the last page, when every write it
     * covers is here.
     */
    private boolean pull(NodeAddress peer, long deadlineNanos) throws PeerUnreachableException {
        return pull(peer, deadlineNanos, 0) == Pull.DONE;
    }

    private Pull pull(NodeAddress peer, long deadlineNanos, long handOverEpoch) throws PeerUnreachableException {
        PeerOperation.SyncRequest request = new PeerOperation.SyncRequest(self, replica.ref(), replica.applied(),
                holdsImported.getAsBoolean(), PAGE_ENTRIES).forHandOver(handOverEpoch);
        VectorClock first = null;
        while (true) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return Pull.TIMED_OUT;
            }
            Duration timeout = Duration.ofNanos(Math.min(left, PeerOperation.SYNC.timeout().toNanos()));
            Optional<StateDelta> answer = client.sync(peer, request, timeout);
            if (answer.isEmpty()) {
                return Pull.NO_REPLICA;
            }
            StateDelta page = answer.get();
            first = first == null ? page.clock() : first;
            replica.merge(page.isPartial() ? page : new StateDelta(first, page.entries()));
            if (!page.isPartial()) {
                return Pull.DONE;
            }
            request = request.after(page.next());
        }
    }
}
