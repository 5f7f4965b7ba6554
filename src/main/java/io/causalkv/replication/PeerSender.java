package io.causalkv.replication;

import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.transport.PeerClient;
import io.causalkv.transport.PeerUnreachableException;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends this node's writes to one peer, in order, in batches, on its own thread, so a client is
 * never blocked on that peer. Writes the peer missed while it was cut off reach it only once it is
 * stable again (API.md 10.3: a reconnected peer still misses them 1 s later); writes made since it
 * answered again go at once, so that a write acknowledged after a blip is stored on two replicas
 * (6.4). A failed send is kept and retried; a queue that outgrows its bound is dropped whole, and
 * anti-entropy repairs the peer instead.
 */
final class PeerSender implements AutoCloseable {

    static final int MAX_QUEUE = 100_000;
    static final int MAX_BATCH = 512;
    private static final long IDLE_POLL_MILLIS = 50;
    private static final long RETRY_MILLIS = 100;
    private static final System.Logger LOG = System.getLogger(PeerSender.class.getName());

    private final NodeAddress peer;
    private final NodeAddress self;
    private final ShardRef shard;
    private final PeerClient client;
    private final Membership membership;
    /** Told each run of this node's writes the peer is newly known to have applied. */
    private final Acknowledged acknowledged;
    /**
     * How far the peer has applied this node's writes, as it last said (a sequence number). Only
     * applied writes count: one the peer merely buffered waits there for writes it lacks, which
     * may be on no replica but this one (issue 17: after a long cut, a new write was acknowledged
     * on such a copy and lost with this node).
     */
    private long peerApplied;
    /** Writes to send, in order, each with the spell of contact with the peer it was queued in. */
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
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

    synchronized void offer(Write write) {
        if (queue.size() >= MAX_QUEUE) {
            LOG.log(Level.WARNING, "replication queue to {0} full; leaving its repair to anti-entropy", peer);
            queue.clear();
        }
        if (queue.isEmpty()) {
            waitingSince = System.nanoTime();
        }
        queue.addLast(new Queued(write, membership.health(peer).contact()));
        notifyAll();
    }

    /** Receives the sequence numbers of the first and last of a run of writes a peer newly applied. */
    @FunctionalInterface
    interface Acknowledged {
        void batch(long firstSeq, long lastSeq);
    }

    /** True when the peer said it has applied the write with sequence {@code seq}. */
    synchronized boolean holds(long seq) {
        return seq <= peerApplied;
    }

    /** A write waiting to be sent; {@code contact}: the spell of contact it was queued in (-1: none). */
    private record Queued(Write write, long contact) {
    }

    /**
     * True when a write queued now would reach the peer without waiting for it to become stable:
     * it is stable, or it is reachable and nothing queued before is held back for it (API.md 6.4:
     * a write is acknowledged once a reachable peer stored it; 10.3 holds back only the writes
     * the peer missed while it was cut off).
     */
    synchronized boolean deliversPromptly() {
        if (membership.isStable(peer)) {
            return true;
        }
        long contact = membership.health(peer).contact();
        return contact >= 0 && (queue.isEmpty() || queue.peekFirst().contact() == contact);
    }

    synchronized int queued() {
        return queue.size();
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
            List<Write> batch = nextBatch();
            if (batch.isEmpty()) {
                pause(IDLE_POLL_MILLIS); // all held back until the peer is stable
                continue;
            }
            try {
                Receipt receipt = client.replicate(peer, self, shard, batch);
                if (receipt.accepted()) {
                    removeSent(batch);
                    peerApplied(receipt.applied());
                } else {
                    pause(RETRY_MILLIS);
                }
            } catch (PeerUnreachableException e) {
                if (!running) {
                    break; // closed mid-call (the shard moved on): says nothing about the peer
                }
                // Suspect it now; deliveries resume only after it has answered probes for a while.
                membership.health(peer).failed();
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
     * The next writes to send, oldest first. To a peer that is not stable, only those queued in
     * the current spell of contact go: the ones it missed while cut off wait until it is stable
     * (API.md 10.3), and so does everything queued after them, to keep the order.
     */
    private synchronized List<Write> nextBatch() {
        boolean stable = membership.isStable(peer);
        long contact = stable ? -1 : membership.health(peer).contact();
        if (!stable && contact < 0) {
            return List.of();
        }
        List<Write> batch = new ArrayList<>(Math.min(queue.size(), MAX_BATCH));
        long bytes = 0;
        for (Queued queued : queue) {
            if (!stable && queued.contact() != contact) {
                break;
            }
            // Kept under the peers' message limit; a batch always takes at least one write.
            bytes += queued.write().encodedSize();
            if (!batch.isEmpty() && bytes > PeerClient.BATCH_BYTES) {
                break;
            }
            batch.add(queued.write());
            if (batch.size() == MAX_BATCH) {
                break;
            }
        }
        return batch;
    }

    private void peerApplied(long applied) {
        long before;
        synchronized (this) {
            before = peerApplied;
            if (applied <= before) {
                return;
            }
            peerApplied = applied;
        }
        acknowledged.batch(before + 1, applied);
    }

    private synchronized void removeSent(List<Write> batch) {
        // The queue may have been cleared (overflow) meanwhile: remove only what is still at its head.
        for (Write sent : batch) {
            if (queue.isEmpty() || queue.peekFirst().write() != sent) {
                return;
            }
            queue.pollFirst();
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
