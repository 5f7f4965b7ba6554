package io.causalkv.keys;

import java.time.Duration;

/**
 * The core half of a dialect's spec: which {@link DependencyGate} it stacks (and its bound), and
 * whether its writes wait for a peer's acknowledgement. {@link KeyPaths} builds the stack from it.
 */
public record KeyRules(Gate gate, Duration bound, boolean waitsForAcks) {

    public enum Gate { REFUSE, AWAIT, FETCH }

    /** {@code kvs}: unmet dependencies refused at once; writes wait for a peer under {@code KVS_WRITE_ACKS=2}. */
    public static final KeyRules KVS = new KeyRules(Gate.REFUSE, Duration.ZERO, true);

    /** A dialect that carries no metadata ({@code kvs-keys} unreplicated): nothing to wait for. */
    public static final KeyRules NO_METADATA = new KeyRules(Gate.REFUSE, Duration.ZERO, false);

    /** {@code key-value-store}: waits up to {@code wait} for dependencies (API.md 7.2). */
    public static KeyRules keyValueStore(Duration wait) {
        return new KeyRules(Gate.AWAIT, wait, false);
    }

    /** {@code kvs-keys} replicated: accepts writes, fetches for reads up to {@code fetch} (API.md 8.6). */
    public static KeyRules kvsKeys(Duration fetch) {
        return new KeyRules(Gate.FETCH, fetch, false);
    }

    /** What a request may wait for its dependencies on top of routing's budget. */
    Duration waitAllowance() {
        return gate == Gate.AWAIT ? bound : Duration.ZERO;
    }
}
