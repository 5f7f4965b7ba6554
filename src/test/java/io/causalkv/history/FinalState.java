package io.causalkv.history;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What every replica holds for each key once a fault has healed: one reading per key and
 * replica, taken from that replica itself, how long after the heal the replicas were first seen
 * to agree on every key (empty if they did not within the polling window), and when they were
 * last seen apart. The replicas converged between those two looks; with no look apart, at or
 * before the first.
 */
public final class FinalState {

    /** One replica's answer for one key: a value, no value (404), or no answer ({@code status} other than 200/404). */
    public record Reading(int status, String value) {

        public static Reading of(String value) {
            return new Reading(200, value);
        }

        public static Reading absent() {
            return new Reading(404, null);
        }

        public boolean readable() {
            return status == 200 || status == 404;
        }

        public boolean absentValue() {
            return status == 404;
        }

        @Override
        public String toString() {
            return status == 200 ? value : status == 404 ? "(no value)" : "(status " + status + ")";
        }
    }

    private final Map<String, Map<String, Reading>> readings = new LinkedHashMap<>();
    private Duration convergedAfter;
    /** What still disagreed in the last round of polling before agreement, if there was one. */
    private String lastDisagreement;
    /** When that round looked, since the heal. */
    private Duration lastApartAfter;

    public FinalState put(String key, String replica, Reading reading) {
        readings.computeIfAbsent(key, k -> new LinkedHashMap<>()).put(replica, reading);
        return this;
    }

    public FinalState convergedAfter(Duration sinceHeal) {
        this.convergedAfter = sinceHeal;
        return this;
    }

    public FinalState lastDisagreement(String what) {
        this.lastDisagreement = what;
        return this;
    }

    /** The replicas were seen apart this long after the heal (in the last round that saw them apart). */
    public FinalState lastApartAfter(Duration sinceHeal) {
        this.lastApartAfter = sinceHeal;
        return this;
    }

    public Optional<Duration> lastApartAfter() {
        return Optional.ofNullable(lastApartAfter);
    }

    public Optional<String> lastDisagreement() {
        return Optional.ofNullable(lastDisagreement);
    }

    /** Key to (replica to reading), in the order they were added. */
    public Map<String, Map<String, Reading>> readings() {
        return Collections.unmodifiableMap(readings);
    }

    public Optional<Duration> convergedAfter() {
        return Optional.ofNullable(convergedAfter);
    }
}
