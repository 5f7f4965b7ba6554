package io.causalkv.replication;

import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerOperation;
import io.causalkv.transport.PeerUnreachableException;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends this node's writes to one peer, in order, in batches, on its own thread, so a client is
 * never blocked on that peer. Everything goes as soon as the peer answers probes. The writes it
 * missed while cut off (queued before the current spell of contact) go flagged, and the peer
 * holds them unseen until their contact is stable again (API.md 10.3, {@link StagedWrites}): so a
 * write made after a blip is on two replicas as soon as it reaches the peer (6.4), even behind
 * missed ones. Nothing is sent to a peer known to be unreachable. A failed send is kept and
 * retried; a queue that outgrows its bound is dropped whole, and anti-entropy repairs the peer.
 */
final class PeerSender implements AutoCloseable {

    static final int MAX_QUEUE = 100_000;
    /** ... or this many bytes (writes are up to 1 MiB: by count alone, a queue could hold 100 GB). */
    static final long MAX_QUEUE_BYTES = 64L * 1024 * 1024;
    static final int MAX_BATCH = 512;
    private static final long IDLE_POLL_MILLIS = 50;
    private static final long RETRY_MILLIS = 100;
    /** A failed call that took longer than this (its timeout and then some) failed late: no verdict. */
    private static final long LATE_AFTER_NANOS = PeerOperation.REPLICATE.timeout().plusMillis(200).toNanos();
    private static final System.Logger LOG = System.getLogger(PeerSender.class.getName());

    private final NodeAddress peer;
    private final NodeAddress self;
    private final ShardRef shard;
    private final PeerClient client;
    private final Membership membership;
    /** Told each run of this node's writes the peer is newly known to hold. */
    private final Acknowledged acknowledged;
    /**
     * How far the peer holds this node's writes, as it last said (a sequence number; see
     * {@link Receipt}). One the peer merely buffered does not count: it waits there for writes it
     * lacks, which may be on no replica but this one (issue 17: after a long cut, a new write was
     * acknowledged on such a copy and lost with this node).
     */
    private long peerHolds;
    /** Writes to send, in order, each with its bytes and the spell of contact with the peer it was queued in. */
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private long queuedBytes;
    /** When the queue last went from empty to not empty (System.nanoTime), for the replication lag. */
    private long waitingSince;
    private final Thread thread;
    private volatile boolean running = true;

    PeerSender(NodeAddress peer, NodeAddress self, ShardRef shard, PeerClient client, Membership membership,
               Acknowledged acknowledged) {
        this.peer = peer;
        this.self = self;
        this.shard = shard;
        this.client = client;
        this.membership = membership;
        this.acknowledged = acknowledged;
        this.thread = new Thread(this::run, "replicate-" + self + "-to-" + peer);
        thread.setDaemon(true);
        thread.start();
    }

    NodeAddress peer() {
        return peer;
    }

    /** Queues {@code write}, of {@code size} bytes ({@link Write#encodedSize()}, reckoned once for every peer). */
    synchronized void offer(Write write, long size) {
        if (queue.size() >= MAX_QUEUE || (!queue.isEmpty() && queuedBytes + size > MAX_QUEUE_BYTES)) {
            LOG.log(Level.WARNING, "replication queue to {0} full ({1} writes, {2} bytes); leaving its repair to anti-entropy",
                    peer, queue.size(), queuedBytes);
            queue.clear();
            queuedBytes = 0;
        }
        queuedBytes += size;
        if (queue.isEmpty()) {
            waitingSince = System.nanoTime();
        }
        queue.addLast(new Queued(write, size, membership.health(peer).contact()));
        notifyAll();
    }

    /** A write waiting to be sent: its bytes, and the spell of contact it was queued in (-1: none). */
    private record Queued(Write write, long size, long contact) {
    }

    /** Writes to send together; {@code missed}: queued before the current spell of contact, so held unseen there. */
    private record Batch(List<Write> writes, boolean missed) {
    }

    /** Receives the sequence numbers of the first and last of a run of writes a peer newly holds. */
    @FunctionalInterface
    interface Acknowledged {
        void batch(long firstSeq, long lastSeq);
    }

    /** True when the peer said it holds the write with sequence {@code seq}. */
    synchronized boolean holds(long seq) {
        return seq <= peerHolds;
    }

    /** True when a write queued now goes to the peer at once: it answers probes (API.md 6.4, 10.2). */
    boolean deliversPromptly() {
        return membership.health(peer).isReachable();
    }

    synchronized int queued() {
        return queue.size();
    }

    synchronized long queuedBytes() {
        return queuedBytes;
    }

    /** How long the oldest unsent write has waited, at most (0 when nothing waits). */
    synchronized long lagNanos(long now) {
        return queue.isEmpty() ? 0 : now - waitingSince;
    }

    private void run() {
        while (running) {
            if (!awaitQueued()) {
                continue;
            }
            Batch next = nextBatch();
            List<Write> batch = next.writes();
            if (batch.isEmpty()) {
                pause(IDLE_POLL_MILLIS); // the peer is unreachable: wait for a probe to reach it
                continue;
            }
            long sentAt = System.nanoTime();
            try {
                Receipt receipt = client.replicate(peer, self, shard, batch, next.missed());
                if (receipt.accepted()) {
                    removeSent(batch);
                    peerHolds(receipt.held());
                } else {
                    pause(RETRY_MILLIS);
                }
            } catch (PeerUnreachableException e) {
                if (!running) {
                    break; // closed mid-call (the shard moved on): says nothing about the peer
                }
                // Suspect it now; deliveries resume only after it has answered probes for a while.
                // Unless the answer was awaited far past its timeout: then this node itself
                // stalled, and heartbeats judge the peer (issue 17).
                if (System.nanoTime() - sentAt <= LATE_AFTER_NANOS) {
                    membership.health(peer).failed();
                }
                pause(RETRY_MILLIS);
            } catch (RuntimeException e) {
                // A bug of ours (a write that does not encode, say), not the peer's fault: this thread
                // is the peer's only sender, so it must outlive it; the batch is kept and retried.
                LOG.log(Level.ERROR, "replication to " + peer + " failed; retrying", e);
                pause(RETRY_MILLIS * 10);
            }
        }
    }

    /** Waits (boundedly) for a write to send; false when none came. */
    private synchronized boolean awaitQueued() {
        if (queue.isEmpty()) {
            try {
                wait(IDLE_POLL_MILLIS * 4);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
        return !queue.isEmpty();
    }

    /**
     * The next writes to send, oldest first; none while the peer is unreachable. To a peer that
     * is not stable, a batch is either writes it missed (queued before the current spell of
     * contact) or writes queued since, never both.
     */
    private synchronized Batch nextBatch() {
        long contact = membership.health(peer).contact();
        if (contact < 0) {
            return new Batch(List.of(), false);
        }
        boolean stable = membership.isStable(peer);
        boolean missed = !stable && !queue.isEmpty() && queue.peekFirst().contact() != contact;
        List<Write> batch = new ArrayList<>(Math.min(queue.size(), MAX_BATCH));
        long bytes = 0;
        for (Queued queued : queue) {
            if (!stable && (queued.contact() != contact) != missed) {
                break;
            }
            // Kept under the peers' message limit; a batch always takes at least one write.
            bytes += queued.size();
            if (!batch.isEmpty() && bytes > PeerClient.BATCH_BYTES) {
                break;
            }
            batch.add(queued.write());
            if (batch.size() == MAX_BATCH) {
                break;
            }
        }
        return new Batch(batch, missed);
    }

    private void peerHolds(long held) {
        long before;
        synchronized (this) {
            before = peerHolds;
            if (held <= before) {
                return;
            }
            peerHolds = held;
        }
        acknowledged.batch(before + 1, held);
    }

    private synchronized void removeSent(List<Write> batch) {
        // The queue may have been cleared (overflow) meanwhile: remove only what is still at its head.
        for (Write sent : batch) {
            if (queue.isEmpty() || queue.peekFirst().write() != sent) {
                return;
            }
            queuedBytes -= queue.pollFirst().size();
        }
        if (!queue.isEmpty()) {
            waitingSince = System.nanoTime(); // the rest arrived after the batch was taken
        }
    }

    private void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
