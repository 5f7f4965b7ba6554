package io.causalkv.transport;

import io.causalkv.cluster.NodeAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The same call to many nodes at once, with one bound on the whole: how a node asks every other
 * node something (its join probes, the steps of a reshard, the spread of a commit). The calls run
 * on the node's own pool; a call still running at the bound finishes on its own peer timeout,
 * and its answer is dropped.
 */
public final class Fanout {

    /** One node's part; a {@link PeerUnreachableException}, a runtime exception or null is no answer. */
    @FunctionalInterface
    public interface Call<T> {
        T to(NodeAddress node) throws PeerUnreachableException;
    }

    private final Executor pool;

    public Fanout(Executor pool) {
        this.pool = pool;
    }

    /** The answers of the nodes that answered within {@code wait}; a node that did not is absent. */
    public <T> Map<NodeAddress, T> ask(Collection<NodeAddress> nodes, Duration wait, Call<T> call) {
        Map<NodeAddress, T> answers = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(nodes.size());
        for (NodeAddress node : nodes) {
            try {
                pool.execute(() -> {
                    try {
                        T answer = call.to(node);
                        if (answer != null) {
                            answers.put(node, answer);
                        }
                    } catch (PeerUnreachableException | RuntimeException e) {
                        // no answer from this node
                    } finally {
                        done.countDown();
                    }
                });
            } catch (RejectedExecutionException stopping) {
                done.countDown(); // the node is closing
            }
        }
        try {
            done.await(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Map.copyOf(answers);
    }
}
