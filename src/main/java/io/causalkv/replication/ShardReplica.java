package io.causalkv.replication;

import io.causalkv.causal.CausalContext;
import io.causalkv.causal.DeliveryBuffer;
import io.causalkv.causal.Dot;
import io.causalkv.causal.HybridTime;
import io.causalkv.causal.Interner;
import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.store.EncodedSize;
import io.causalkv.store.Entry;
import io.causalkv.store.VersionedStore;
import io.causalkv.store.WriteOutcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * This node's replica of its shard: the versioned store, the clock of applied writes, a Lamport
 * clock, and the buffer of writes awaiting causal delivery. Every change happens under this
 * object's lock; reads (values and the applied clock) need none.
 */
public final class ShardReplica {

    /** Writes that may wait for their dependencies at once; more are refused and resent later. */
    public static final int DELIVERY_BUFFER_CAPACITY = 100_000;
    /** ... and their bytes (so are the writes held unseen, {@link StagedWrites}). */
    public static final long DELIVERY_BUFFER_BYTES = 64L * 1024 * 1024;

    private final String replicaId;
    private final int shard;
    private final long epoch;
    private final VersionedStore store = new VersionedStore();
    private final DeliveryBuffer<Write> buffer = new DeliveryBuffer<>(DELIVERY_BUFFER_CAPACITY, DELIVERY_BUFFER_BYTES);
    /**
     * The histories in other shards that stored entries carry, one instance each: a client's
     * writes to many keys carry the same one, and each entry kept its own copy (issue 17).
     */
    private final Interner<CausalContext> histories = new Interner<>(1_024);
    /** Dead incarnations' replicas and the last write of each that survives (see {@link #seal}). */
    private volatile Map<String, Long> sealed = Map.of();
    private final StagedWrites staged = new StagedWrites(DELIVERY_BUFFER_CAPACITY, DELIVERY_BUFFER_BYTES);
    private volatile VectorClock applied = VectorClock.EMPTY;
    /** Replica ids that coordinate writes in this epoch (added before their first write is stored). */
    private final Set<String> epochReplicas = ConcurrentHashMap.newKeySet();
    private long lamport;
    private boolean frozen;
    /** A snapshot of this replica's log is being written (see {@link #snapshotWritten}). */
    private boolean snapshotting;
    /** Every change, in order, before it is shown (issue 18); none without a data directory. */
    private volatile ChangeLog changes = ChangeLog.NONE;
    /** Requests waiting in {@link #awaitSatisfied}; applies wake them only when there are some. */
    private int waiting;

    /** Milliseconds since the epoch: the physical part of write times (HybridTime). */
    private final LongSupplier wallClock;

    public ShardReplica(String replicaId, int shard, long epoch) {
        this(replicaId, shard, epoch, System::currentTimeMillis);
    }

    public ShardReplica(String replicaId, int shard, long epoch, LongSupplier wallClock) {
        this.replicaId = replicaId;
        this.shard = shard;
        this.epoch = epoch;
        this.wallClock = wallClock;
    }

    /** The outcome of a client write coordinated here. */
    public record LocalWrite(WriteOutcome outcome, Write write) {
    }

    public String replicaId() {
        return replicaId;
    }

    public int shard() {
        return shard;
    }

    public long epoch() {
        return epoch;
    }

    /** This replica's wall clock, in ms since the epoch. */
    long wallMillis() {
        return wallClock.getAsLong();
    }

    public ShardRef ref() {
        return new ShardRef(shard, epoch);
    }

    public VectorClock applied() {
        return applied;
    }

    /** True when every write of this shard that {@code context} depends on has been applied here. */
    public boolean satisfies(CausalContext context) {
        return context.epoch() <= epoch && applied.covers(effective(context.clockFor(shard, epoch)));
    }

    /**
     * Waits until this replica satisfies {@code context} or {@code deadlineNanos} passes; true if
     * satisfied. The wait releases the replica's lock, so replication goes on meanwhile.
     */
    public synchronized boolean awaitSatisfied(CausalContext context, long deadlineNanos) {
        waiting++;
        try {
            while (!satisfies(context)) {
                if (frozen) {
                    throw new ReplicaFrozenException(ref()); // the layout is changing: route again
                }
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                wait(Math.max(1, left / 1_000_000));
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            waiting--;
        }
    }

    public Entry read(String key) {
        return store.get(key);
    }

    /** The causal history a reader of {@code entry} acquires. */
    public CausalContext historyOf(Entry entry) {
        return historyOf(entry.replica(), entry.dot(), entry.lamport(), entry.foreign());
    }

    /** The causal history its client acquires from a write coordinated here (no entry needed). */
    public CausalContext historyOf(Write write) {
        return historyOf(write.dot().replica(), write.dot(), write.lamport(), write.foreign());
    }

    private CausalContext historyOf(String replica, Dot dot, long lamport, CausalContext foreign) {
        if (!epochReplicas.contains(replica)) {
            // Imported from an older layout: no history in this epoch, but its time still counts.
            // Epoch 0: a time alone never replaces a reader's clocks of any epoch when merged.
            return foreign.merge(CausalContext.of(0, Map.of(), lamport));
        }
        return CausalContext.ofWrite(epoch, shard, dot, lamport).merge(foreign);
    }

    /**
     * Coordinates a client PUT: a new write with the next dot of this replica. {@code replicate}
     * is called under the lock, so writes reach the replication queues in sequence order.
     */
    public synchronized LocalWrite put(String key, String value, CausalContext context, Consumer<Write> replicate) {
        requireNotFrozen();
        Write write = coordinate(key, value, context);
        Entry previous = apply(write);
        replicate.accept(write);
        return new LocalWrite(previous != null && previous.isLive() ? WriteOutcome.REPLACED : WriteOutcome.CREATED, write);
    }

    /** Coordinates a client DELETE: a tombstone, or nothing when the key has no live value. */
    public synchronized Optional<Write> delete(String key, CausalContext context, Consumer<Write> replicate) {
        requireNotFrozen();
        Entry current = store.get(key);
        if (current == null || !current.isLive()) {
            return Optional.empty();
        }
        Write tombstone = coordinate(key, null, context);
        apply(tombstone);
        replicate.accept(tombstone);
        return Optional.of(tombstone);
    }

    /**
     * Takes writes replicated from another replica: applies those whose dependencies are met,
     * buffers the rest. Not accepted when the buffer is full (the sender keeps them and retries).
     */
    public synchronized Receipt receive(List<Write> writes) {
        boolean accepted = true;
        for (Write write : writes) {
            accepted &= deliver(write);
        }
        drainBuffer();
        return receipt(accepted, writes);
    }

    /**
     * Takes writes from {@code from}, a peer in stable contact: first whatever was held from it,
     * then these (they follow the held ones in its order).
     */
    public synchronized Receipt receiveFrom(NodeAddress from, List<Write> writes) {
        releaseStaged(from::equals);
        return receive(writes);
    }

    /**
     * Holds writes from {@code from}, a peer not in stable contact, without showing them (see
     * {@link StagedWrites}). Not accepted when full.
     */
    public synchronized Receipt stage(NodeAddress from, List<Write> writes) {
        if (frozen) {
            return receive(writes); // see freeze()
        }
        boolean accepted = true;
        for (Write write : writes) {
            if (!applied.covers(write.dot())) {
                accepted &= staged.stage(from, write);
            }
        }
        return receipt(accepted, writes);
    }

    /**
     * Holds unseen a whole pull from {@code from}, a peer not in stable contact: what it had that
     * this replica lacked, typically the writes it took while cut off, which its later writes
     * depend on (so only with them do those count as held here). False when it does not fit.
     */
    public synchronized boolean stage(NodeAddress from, StateDelta pulled) {
        if (frozen) {
            merge(pulled); // see freeze()
            return true;
        }
        return staged.stage(from, pulled);
    }

    /** Shows the writes held from the peers {@code releasable} accepts (stable again, or failed). */
    public synchronized void releaseStaged(Predicate<NodeAddress> releasable) {
        staged.release(releasable, this::merge, this::deliver); // a write the full buffer refuses stays held
        drainBuffer();
    }

    /**
     * The writes this replica holds but has not applied (buffered, or held unseen), as the last
     * of each origin: with the applied clock, every write it has <em>seen</em>. Peers count them
     * before dropping a tombstone, since one may be a write that loses to it ({@link StabilityFrontier}).
     */
    public synchronized VectorClock held() {
        return buffer.heldClock().merge(staged.heldClock());
    }

    /**
     * From now on, records every change in {@code log} (issue 18). A replica restored from a log
     * ({@link #restore}) starts recording after it, so the restore is not recorded twice.
     */
    public synchronized void logTo(ChangeLog log) {
        changes = log;
    }

    /**
     * Returns once every change made so far is as durable as the log promises (issue 18): a
     * client's write is acknowledged, and a peer's counted as held, only after this. Outside the
     * lock: writers waiting at once share one fsync.
     */
    public void awaitDurable() {
        ChangeLog log = changes;
        log.awaitDurable(log.position());
    }

    /**
     * Runs {@code between} under the lock, between two changes (a log switching segments, so
     * that every change is on one side of the switch), and returns at once.
     */
    public synchronized void checkpoint(Runnable between) {
        between.run();
        snapshotting = true;
    }

    /**
     * The snapshot begun at {@link #checkpoint} is written: tombstones may be collected again.
     * Meanwhile none is: a tombstone removed before the snapshot reached its key, and then a
     * late hand-over of an older value (logged after the cut), would replay as that value.
     */
    public synchronized void snapshotWritten() {
        snapshotting = false;
    }

    /** Every stored entry (values and tombstones), as it is when visited: no lock, writes go on. */
    public void forEachEntry(java.util.function.BiConsumer<String, Entry> visitor) {
        store.forEach(visitor);
    }

    /** Reapplies a write read back from this replica's log, in the order it was first applied. */
    public synchronized void restore(Write write) {
        if (!applied.covers(write.dot())) {
            apply(write);
        }
    }

    public synchronized int stagedCount() {
        return staged.size();
    }

    /** Applies {@code write}, or buffers it until its dependencies arrive; false when the buffer is full. */
    private boolean deliver(Write write) {
        if (applied.covers(write.dot())) {
            return true;
        }
        if (isDeliverable(write)) {
            // Applied at once: a deliverable write never depends on room in the buffer.
            apply(write);
            drainBuffer();
            return true;
        }
        return buffer.offer(write);
    }

    /**
     * How far the origin of the last of {@code writes} is held here: applied, then an unbroken
     * run of its writes held unseen (shown when its node is stable or has failed) or waiting in
     * the buffer for writes of other origins. A gap ends the run: what follows it waits for a
     * write of the origin's that may be on no other replica, and would die with the origin.
     */
    public synchronized Receipt receipt(boolean accepted, List<Write> writes) {
        if (writes.isEmpty()) {
            return new Receipt(accepted, 0);
        }
        String origin = writes.get(writes.size() - 1).dot().replica();
        long held = Math.max(applied.get(origin), staged.pulledThrough(origin));
        while (staged.holds(origin, held + 1) || buffer.holds(origin, held + 1)) {
            held++;
        }
        return new Receipt(accepted, held);
    }

    /**
     * The entries that {@code theirs} does not cover, with this replica's clock; the entries
     * imported from an older layout only {@code withImported} (no clock covers them, so without
     * this a replica that holds them would be sent them on every pull).
     */
    public StateDelta changesSince(VectorClock theirs, boolean withImported) {
        // The clock is read first: every write it covers is already in the store (or superseded there).
        VectorClock clock = applied;
        List<StateDelta.KeyedEntry> missing = new ArrayList<>();
        store.forEach((key, entry) -> {
            if (isMissing(entry, theirs, withImported)) {
                missing.add(new StateDelta.KeyedEntry(key, entry));
            }
        });
        return new StateDelta(clock, missing);
    }

    /**
     * One page of {@link #changesSince(VectorClock, boolean)}: the first {@code limit} missing
     * entries after {@code after} (null: from the start) in {@link SyncCursor#ORDER}, cut at
     * {@code maxBytes} (one entry at least), with this replica's clock and the cursor of the
     * next page, if any. The receiver merges the <em>first</em> page's clock after the last page:
     * a later page's clock may cover writes to keys of pages already sent. A full scan per page,
     * but memory and message size stay bounded whatever the shard's size.
     */
    public StateDelta changesSince(VectorClock theirs, boolean withImported, SyncCursor after, int limit, long maxBytes) {
        VectorClock clock = applied;
        // The entries after the cursor with the smallest keys in page order, in a heap whose top is the largest.
        PriorityQueue<StateDelta.KeyedEntry> page = new PriorityQueue<>(limit + 1,
                Comparator.comparing(StateDelta.KeyedEntry::key, SyncCursor.ORDER).reversed());
        boolean[] more = {false};
        store.forEach((key, entry) -> {
            if ((after == null || after.precedes(key)) && isMissing(entry, theirs, withImported)) {
                page.add(new StateDelta.KeyedEntry(key, entry));
                if (page.size() > limit) {
                    page.poll();
                    more[0] = true;
                }
            }
        });
        List<StateDelta.KeyedEntry> sorted = new ArrayList<>(page);
        sorted.sort(Comparator.comparing(StateDelta.KeyedEntry::key, SyncCursor.ORDER));
        int end = 0;
        long bytes = 0;
        while (end < sorted.size() && (end == 0 || bytes + EncodedSize.of(sorted.get(end).key(), sorted.get(end).entry()) <= maxBytes)) {
            bytes += EncodedSize.of(sorted.get(end).key(), sorted.get(end).entry());
            end++;
        }
        List<StateDelta.KeyedEntry> sent = sorted.subList(0, end);
        boolean last = !more[0] && end == sorted.size();
        return new StateDelta(clock, List.copyOf(sent), last ? null : SyncCursor.at(sent.get(sent.size() - 1).key()));
    }

    private boolean isMissing(Entry entry, VectorClock theirs, boolean withImported) {
        boolean imported = !epochReplicas.contains(entry.replica());
        return (withImported || !imported) && !theirs.covers(entry.replica(), entry.seq());
    }

    /**
     * What a retired replica still has to hand over: the writes of this epoch that
     * {@code handedOver} does not cover and, {@code withImported}, the entries it imported from an
     * older layout too (when it has never handed anything over, it may be their last holder).
     */
    public List<StateDelta.KeyedEntry> writesSince(VectorClock handedOver, boolean withImported) {
        List<StateDelta.KeyedEntry> late = new ArrayList<>();
        store.forEach((key, entry) -> {
            boolean ours = epochReplicas.contains(entry.replica());
            if (ours ? !handedOver.covers(entry.replica(), entry.seq()) : withImported) {
                late.add(new StateDelta.KeyedEntry(key, entry));
            }
        });
        return late;
    }

    /**
     * Applies another replica's delta (newest version of each key wins) and, unless more pages
     * follow, merges its clock: only after the last page is every write it covers here.
     */
    public synchronized void merge(StateDelta delta) {
        if (!delta.entries().isEmpty() || !(delta.isPartial() || applied.covers(delta.clock()))) {
            changes.entries(delta.entries(), delta.isPartial() ? null : delta.clock()); // a pull that brought nothing is not recorded
        }
        epochReplicas.addAll(delta.clock().entries().keySet());
        for (StateDelta.KeyedEntry keyed : delta.entries()) {
            store.applyIfNewer(keyed.key(), shared(keyed.entry()));
            lamport = Math.max(lamport, keyed.entry().lamport());
        }
        if (!delta.isPartial()) {
            applied = applied.merge(delta.clock());
            drainBuffer();
            wakeWaiters();
        }
    }

    /**
     * Takes entries handed over from the previous layout (reshard) or from a member that left the
     * shard: the newest version of each key wins, and the Lamport clock moves past them so that
     * later writes here supersede them. Writes this replica has applied are skipped.
     */
    public synchronized void importEntries(List<StateDelta.KeyedEntry> entries) {
        List<StateDelta.KeyedEntry> taken = new ArrayList<>(entries.size());
        for (StateDelta.KeyedEntry keyed : entries) {
            // A write of this epoch already applied here is skipped: the store has it or what
            // superseded it, perhaps a tombstone since collected, which it must not outlive (a
            // member that departed late hands over everything it held, old values included).
            if (!applied.covers(keyed.entry().replica(), keyed.entry().seq())) {
                taken.add(keyed);
            }
        }
        changes.entries(taken, null);
        for (StateDelta.KeyedEntry keyed : taken) {
            store.applyIfNewer(keyed.key(), shared(keyed.entry()));
            lamport = Math.max(lamport, keyed.entry().lamport());
        }
    }

    /**
     * Stops client writes here for good: the layout is changing and this replica's state is being
     * handed over. Replicated writes are still taken (and handed over after).
     */
    public synchronized void freeze() {
        frozen = true;
        // The layout is changing and this replica's keys move with what it shows: held writes
        // go now, or they would reach the new owners only by a late hand-over (the first attempt
        // at holding writes here released them into a retired replica: 9.7 s to converge).
        releaseStaged(node -> true);
        wakeWaiters(); // requests waiting for dependencies here go to the new layout instead
    }

    public synchronized boolean isFrozen() {
        return frozen;
    }

    /** Lets client writes in again: a reshard was abandoned. */
    public synchronized void unfreeze() {
        frozen = false;
    }

    public int liveKeyCount() {
        return store.liveKeyCount();
    }

    /** Deleted keys whose tombstones are kept (they replicate, and never count as keys). */
    public int tombstoneCount() {
        return store.tombstoneCount();
    }

    /**
     * Drops the tombstones of this epoch's writes that {@code stable} covers: every holder of the
     * shard has applied them and every write that could lose to them (see {@link StabilityFrontier}),
     * so no copy of an older value is left to come back, and every clock that matters covers
     * them (a pull never asks for them again). Not while frozen: the keys are being handed over.
     * A read of such a key then answers as for a key never written: the request's metadata alone
     * (API.md 6.4: merged with the tombstone's, if any). Returns how many went.
     */
    public synchronized int collectTombstones(VectorClock stable) {
        if (frozen || snapshotting) {
            return 0;
        }
        int[] collected = {0};
        store.forEachTombstone((key, tombstone) -> {
            if (epochReplicas.contains(tombstone.replica()) && stable.covers(tombstone.replica(), tombstone.seq())
                    && store.removeTombstone(key, tombstone)) {
                collected[0]++;
            }
        });
        return collected[0];
    }

    public synchronized int buffered() {
        return buffer.size();
    }

    private Write coordinate(String key, String value, CausalContext context) {
        long seq = applied.get(replicaId) + 1;
        // A context of a layout this replica does not know yet names no write it could wait for.
        VectorClock deps = context.epoch() > epoch ? VectorClock.EMPTY : context.clockFor(shard, epoch);
        // Usually the write's own-shard history is implied by causal delivery and only the other
        // shards' is kept. A write accepted before its dependencies arrived (kvs-keys, API.md 8.6)
        // keeps them too, so that whoever reads it learns that it depends on them.
        // The write's own Lamport time exceeds the context's, so the stored history needs no time.
        // A history of an epoch this replica has not reached is not kept: readers of the key would
        // inherit it and be refused at every shard until that epoch came, if ever (a client can
        // send any epoch). The write's time still follows it, as far as HybridTime allows.
        CausalContext kept = context.epoch() > epoch ? CausalContext.EMPTY : context;
        deps = effective(deps); // a new write never waits for writes that exist nowhere
        CausalContext foreign = (applied.covers(deps) ? kept.without(shard) : kept).withoutLamport();
        // Later than everything the client has seen, here or not (see CausalContext), as far as
        // the client's claim is believable (HybridTime).
        long time = HybridTime.next(lamport, context.lamport(), wallClock.getAsLong());
        return new Write(key, value, new Dot(replicaId, seq), time, deps, foreign);
    }

    /**
     * Seals a dead incarnation's replica: {@code last} is the last of its writes that survives
     * (every live member of the shard has applied exactly that many; its process restarted, and
     * what it had sent no one died with it). A dependency on a later write of it, which exists
     * nowhere, is dropped from then on, never waited for: one lost single-copy write made every
     * request carrying it answer 503 at that shard, and every reader of a key written after it
     * inherited it (issue 17). Only if this replica has applied exactly that many, and holds no
     * later one unseen or in its buffer.
     */
    public synchronized void seal(String replica, long last) {
        if (applied.get(replica) != last || sealed.containsKey(replica)
                || staged.holds(replica, last + 1) || buffer.holds(replica, last + 1)) {
            return; // it has more of that replica's writes than the members agreed on: not dead yet
        }
        Map<String, Long> next = new HashMap<>(sealed);
        next.put(replica, last);
        sealed = Map.copyOf(next);
        // What is held of it beyond a gap can never apply; kept, it would hold the stability frontier back.
        buffer.discardAfter(replica, last);
        staged.discardAfter(replica, last);
        drainBuffer(); // writes that waited for lost writes go now
        wakeWaiters();
    }

    /**
     * {@code context} without the sealed replicas in this shard's clock: every member has all of
     * their writes that exist, so naming them says nothing, and a client's metadata would gain an
     * entry per incarnation of every node for ever (issue 17: a year of weekly rolling restarts of
     * six nodes, about 312 entries on every request and answer).
     */
    public CausalContext withoutSealed(CausalContext context) {
        Map<String, Long> seals = sealed;
        return seals.isEmpty() || context.epoch() != epoch ? context : context.without(shard, seals.keySet());
    }

    /** The replicas sealed so far, with the last write of each that survives. */
    public Map<String, Long> sealed() {
        return sealed;
    }

    /** {@code deps} without what it names of sealed replicas beyond their last surviving write. */
    private VectorClock effective(VectorClock deps) {
        Map<String, Long> seals = sealed;
        if (seals.isEmpty()) {
            return deps;
        }
        VectorClock capped = deps;
        for (Map.Entry<String, Long> seal : seals.entrySet()) {
            if (deps.get(seal.getKey()) > seal.getValue()) {
                capped = capped.atMost(seal.getKey(), seal.getValue());
            }
        }
        return capped;
    }

    /** The entry with its history shared with equal ones already stored. */
    private Entry shared(Entry entry) {
        CausalContext history = histories.intern(entry.foreign());
        return history == entry.foreign() ? entry : entry.withForeign(history);
    }

    private void requireNotFrozen() {
        if (frozen) {
            throw new ReplicaFrozenException(ref());
        }
    }

    private Entry apply(Write write) {
        changes.write(write);
        epochReplicas.add(write.dot().replica());
        Entry previous = store.applyIfNewer(write.key(), new Entry(write.value(), write.dot(), write.lamport(),
                histories.intern(write.foreign())));
        applied = applied.with(write.dot().replica(), write.dot().seq());
        lamport = Math.max(lamport, write.lamport());
        wakeWaiters();
        return previous;
    }

    private void wakeWaiters() {
        if (waiting > 0) {
            notifyAll();
        }
    }

    private boolean isDeliverable(Write write) {
        return write.dot().seq() == applied.get(write.dot().replica()) + 1 && applied.covers(effective(write.deps()));
    }

    private void drainBuffer() {
        List<Write> deliverable = buffer.takeDeliverable(applied, this::effective);
        for (int i = 0; i < deliverable.size(); i++) {
            try {
                apply(deliverable.get(i));
            } catch (ChangeLogFailedException e) {
                // Not applied (the log refused it): back in the buffer with those after it, not lost.
                deliverable.subList(i, deliverable.size()).forEach(buffer::offer);
                throw e;
            }
        }
    }
}
