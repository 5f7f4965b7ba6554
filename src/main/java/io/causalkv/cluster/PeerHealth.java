package io.causalkv.cluster;

/**
 * What this node knows of one peer's reachability, from probes and peer calls. Timing rules
 * (API.md 9.6, 10.3): a peer is suspected as soon as a call fails. When it answers again after
 * contact was lost, it counts as stable (safe to resume deliveries to and repair from) only after
 * answering continuously for {@link #STABLE_AFTER_NANOS}; a peer that fails before it was ever
 * seen alive (it was not started yet) is stable at its first answer. It has failed once
 * unreachable continuously for {@link #FAILED_AFTER_NANOS}.
 */
public final class PeerHealth {

    public static final long STABLE_AFTER_NANOS = 2_000_000_000L;
    public static final long FAILED_AFTER_NANOS = 3_000_000_000L;

    public enum Status { UP, SUSPECTED, DOWN }

    private long upSince = -1;
    private long lastSuccess;
    private boolean reachable;
    /** Answered us or called us at some point. */
    private boolean seenAlive;
    /** A call failed after the peer was seen alive: its next answer is a reconnection. */
    private boolean lostContact;
    private long lastHeard = Long.MIN_VALUE / 2;
    /** Counts the spells of contact: a new one begins whenever the peer answers after not being reachable. */
    private long contact;

    /** @param now the time monitoring began */
    public PeerHealth(long now) {
        this.lastSuccess = now;
    }

    public synchronized void succeeded(long now) {
        if (!reachable) {
            // A first contact is no reconnection: there is no backlog whose repair must wait.
            upSince = lostContact ? now : now - STABLE_AFTER_NANOS;
            contact++;
        }
        reachable = true;
        seenAlive = true;
        lastSuccess = now;
    }

    /** The peer called this node (its heartbeat arrived): it is running, whether or not our calls reach it. */
    public synchronized void heardFrom(long now) {
        seenAlive = true;
        lastHeard = now;
    }

    /** Whether the peer has answered or called this node since this node started. */
    public synchronized boolean wasSeenAlive() {
        return seenAlive;
    }

    /** When the peer last called this node (nanoTime), or long ago. */
    public synchronized long lastHeard() {
        return lastHeard;
    }

    /** It answered as a node of another cluster: alive, but never reachable for this one. */
    public synchronized void foreign() {
        seenAlive = true;
        failed();
    }

    public synchronized void failed() {
        lostContact |= seenAlive;
        reachable = false;
        upSince = -1;
    }

    public synchronized boolean isReachable() {
        return reachable;
    }

    /**
     * The current spell of contact, or -1 when the peer is not reachable. A write queued for the
     * peer before this spell is one it missed while cut off: it is held unseen there until their
     * contact is stable (API.md 10.3); one queued during it is shown at once.
     */
    public synchronized long contact() {
        return reachable ? contact : -1;
    }

    /** Reachable and answering continuously for long enough to resume deliveries. */
    public synchronized boolean isStable(long now) {
        return reachable && now - upSince >= STABLE_AFTER_NANOS;
    }

    /**
     * Seen alive, and not in stable contact now: the writes it missed while cut off from this
     * node, which it sends flagged, are held unseen (API.md 10.3: a replica that lost contact must
     * still lack them 1 s after it is back). A node never seen alive is no reconnection.
     */
    public synchronized boolean isReconnecting(long now) {
        return seenAlive && !isStable(now);
    }

    /**
     * Unreachable and silent for {@link #FAILED_AFTER_NANOS}, after having been seen alive (it
     * answered, or called this node). A node of VIEW that has not started yet has not failed:
     * removing it would re-append it out of the VIEW order when it starts (API.md 9.2).
     */
    public synchronized boolean hasFailed(long now) {
        return seenAlive && !reachable && now - Math.max(lastSuccess, lastHeard) >= FAILED_AFTER_NANOS;
    }

    public synchronized Status status(long now) {
        return reachable ? Status.UP : hasFailed(now) ? Status.DOWN : Status.SUSPECTED;
    }
}
