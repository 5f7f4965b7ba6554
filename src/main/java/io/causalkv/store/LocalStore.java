package io.causalkv.store;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's in-memory map of keys to values. A value is kept as its compact JSON text, which
 * preserves its JSON type and costs one compact string per key.
 */
public final class LocalStore {

    private final ConcurrentHashMap<String, String> values = new ConcurrentHashMap<>();

    /** Stores {@code json} under {@code key}; says whether the key was created or replaced. */
    public WriteOutcome put(String key, String json) {
        return values.put(key, json) == null ? WriteOutcome.CREATED : WriteOutcome.REPLACED;
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** Removes the key; false when it held no value. */
    public boolean delete(String key) {
        return values.remove(key) != null;
    }

    public int liveKeyCount() {
        return values.size();
    }
}
