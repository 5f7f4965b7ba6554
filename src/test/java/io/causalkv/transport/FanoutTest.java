package io.causalkv.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.cluster.NodeAddress;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Asking many nodes at once: the answers in time, nothing from a node that failed or was late, one bound. */
class FanoutTest {

    private static final NodeAddress FAST = NodeAddress.parse("127.0.0.1:1");
    private static final NodeAddress DOWN = NodeAddress.parse("127.0.0.1:2");
    private static final NodeAddress BROKEN = NodeAddress.parse("127.0.0.1:3");
    private static final NodeAddress SLOW = NodeAddress.parse("127.0.0.1:4");

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void collectsTheAnswersThatCameWithinTheBound() {
        CountDownLatch release = new CountDownLatch(1);
        long started = System.nanoTime();
        Map<NodeAddress, String> answers = new Fanout(pool).ask(List.of(FAST, DOWN, BROKEN, SLOW), Duration.ofMillis(300), node -> {
            if (node.equals(DOWN)) {
                throw new PeerUnreachableException(node, new IOException("refused"));
            }
            if (node.equals(BROKEN)) {
                throw new IllegalStateException("a bug of ours");
            }
            if (node.equals(SLOW)) {
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return "hello from " + node;
        });
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        release.countDown();
        assertEquals(Map.of(FAST, "hello from " + FAST), answers);
        assertTrue(tookMillis >= 250 && tookMillis < 3_000, "waited for the slow node up to the bound only: " + tookMillis + " ms");
    }

    @Test
    void returnsAsSoonAsEveryNodeHasAnswered() {
        long started = System.nanoTime();
        Map<NodeAddress, Integer> answers = new Fanout(pool).ask(List.of(FAST, DOWN), Duration.ofSeconds(10), node -> node.toString().length());
        assertEquals(Map.of(FAST, 11, DOWN, 11), answers);
        assertTrue((System.nanoTime() - started) / 1_000_000 < 5_000, "did not wait out the bound");
    }
}
