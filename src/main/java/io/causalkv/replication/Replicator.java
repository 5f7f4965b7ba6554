package io.causalkv.replication;

import io.causalkv.cluster.Membership;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.transport.PeerClient;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Spreads the writes this node coordinates to the other replicas of its shard, one
 * {@link PeerSender} per peer, and lets a client write wait (boundedly) until one peer holds it
 * (a peer that only buffers it does not: see {@link Receipt}).
 */
public final class Replicator implements AutoCloseable {

    private final NodeAddress self;
    private final ShardRef shard;
    private final PeerClient client;
    private final Membership membership;
    private final Map<NodeAddress, PeerSender> senders = new ConcurrentHashMap<>();
    /** Client writes waiting for a peer's acknowledgement, by sequence number. */
    private final ConcurrentSkipListMap<Long, CompletableFuture<Void>> waiting = new ConcurrentSkipListMap<>();

    public Replicator(NodeAddress self, ShardRef shard, PeerClient client, Membership membership) {
        this.self = self;
        this.shard = shard;
        this.client = client;
        this.membership = membership;
    }

    /** Starts senders for new peers of the shard and stops those for peers that left. */
    public synchronized void replicateTo(Collection<NodeAddress> peers) {
        Set<NodeAddress> wanted = new HashSet<>(peers);
        wanted.remove(self);
        senders.entrySet().removeIf(e -> {
            if (!wanted.contains(e.getKey())) {
                e.getValue().close();
                return true;
            }
            return false;
        });
        for (NodeAddress peer : wanted) {
            senders.computeIfAbsent(peer, p -> new PeerSender(p, self, shard, client, membership, this::acknowledged));
        }
    }

    public void replicate(Write write) {
        long size = write.encodedSize();
        senders.values().forEach(sender -> sender.offer(write, size));
    }

    /**
     * Waits until a peer holds the write with sequence {@code seq} (applied it, or holds it unseen
     * until their contact is stable: {@link Receipt}), at most {@code bound}; returns at once when
     * no peer is reachable (API.md 6.4, 10.2). True when acknowledged.
     */
    public boolean awaitAcknowledgement(long seq, Duration bound) {
        if (senders.values().stream().noneMatch(PeerSender::deliversPromptly)) {
            return false;
        }
        CompletableFuture<Void> ack = waiting.computeIfAbsent(seq, s -> new CompletableFuture<>());
        if (senders.values().stream().anyMatch(sender -> sender.holds(seq))) {
            waiting.remove(seq); // stored before this wait began
            return true;
        }
        try {
            ack.get(bound.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            waiting.remove(seq);
        }
    }

    /** A peer newly holds this node's writes {@code first..last}. */
    private void acknowledged(long first, long last) {
        waiting.subMap(first, true, last, true).values().forEach(f -> f.complete(null));
    }

    /** Writes waiting to be sent, over all peers. */
    public int queued() {
        return senders.values().stream().mapToInt(PeerSender::queued).sum();
    }

    /** The bytes of the writes waiting to be sent, over all peers. */
    public long queuedBytes() {
        return senders.values().stream().mapToLong(PeerSender::queuedBytes).sum();
    }

    /** How long the oldest unsent write has waited, over all peers (an upper bound; 0 if none). */
    public long lagNanos() {
        long now = System.nanoTime();
        return senders.values().stream().mapToLong(sender -> sender.lagNanos(now)).max().orElse(0);
    }

    @Override
    public synchronized void close() {
        senders.values().forEach(PeerSender::close);
        senders.clear();
    }
}
