package io.causalkv.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The timing rules of one peer's health, on a clock the test controls. */
class PeerHealthTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aPeerNeverReachedHasNotFailedHoweverLongItIsSilent() {
        PeerHealth health = new PeerHealth(0);
        health.failed();
        assertFalse(health.hasFailed(60 * SECOND));
        assertEquals(PeerHealth.Status.SUSPECTED, health.status(60 * SECOND));
    }

    @Test
    void aPeerThatOnlyCalledUsCanFailButIsNotStable() {
        PeerHealth health = new PeerHealth(0);
        health.heardFrom(SECOND);
        health.failed();
        assertFalse(health.isStable(2 * SECOND));
        assertFalse(health.hasFailed(3 * SECOND));
        assertTrue(health.hasFailed(4 * SECOND));
    }

    @Test
    void aPeerOnlyHeardFromThenLostIsHeldDownWhenItAnswersAgain() {
        // Our own calls never reached it before the cut, but its heartbeats had arrived.
        PeerHealth health = new PeerHealth(0);
        health.heardFrom(SECOND);
        health.failed();
        health.succeeded(2 * SECOND);
        assertFalse(health.isStable(3 * SECOND));
        assertTrue(health.isStable(4 * SECOND));
    }

    @Test
    void aPeerThatFailsBeforeItWasEverSeenIsStableAtItsFirstAnswer() {
        PeerHealth health = new PeerHealth(0);
        health.failed();
        health.succeeded(2 * SECOND);
        assertTrue(health.isStable(2 * SECOND));
    }

    @Test
    void aFirstContactIsStableAtOnce() {
        PeerHealth health = new PeerHealth(0);
        health.succeeded(5 * SECOND);
        assertTrue(health.isStable(5 * SECOND));
    }

    @Test
    void aReconnectedPeerIsStableOnlyAfterAnsweringFor2Seconds() {
        PeerHealth health = new PeerHealth(0);
        health.succeeded(SECOND);
        health.failed();
        assertFalse(health.isStable(2 * SECOND));
        health.succeeded(3 * SECOND);
        assertFalse(health.isStable(4 * SECOND));
        assertTrue(health.isStable(5 * SECOND));
    }

    @Test
    void aReachedPeerFailsAfter3SecondsOfSilenceNotBefore() {
        PeerHealth health = new PeerHealth(0);
        health.succeeded(SECOND);
        health.failed();
        assertFalse(health.hasFailed(3 * SECOND));
        assertTrue(health.hasFailed(4 * SECOND));
        assertEquals(PeerHealth.Status.DOWN, health.status(4 * SECOND));
    }
}
