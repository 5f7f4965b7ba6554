package io.causalkv.causal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * One shared instance per equal value, for values repeated across many stored keys: replica ids
 * (every entry names the replica that wrote it, and each decoded message made a copy of the id
 * per key) and the clocks of other shards a client carries (each entry kept its own copy of
 * them). Bounded: when full it starts over, which costs only sharing, never correctness.
 */
public final class Interner<T> {

    /** Replica ids as decoded from peers and clients: a few per node and incarnation. */
    public static final Interner<String> REPLICA_IDS = new Interner<>(4_096);

    private final int capacity;
    private final ConcurrentHashMap<T, T> values = new ConcurrentHashMap<>();

    public Interner(int capacity) {
        this.capacity = capacity;
    }

    public T intern(T value) {
        T known = values.get(value);
        if (known != null) {
            return known;
        }
        if (values.size() >= capacity) {
            values.clear();
        }
        T prior = values.putIfAbsent(value, value);
        return prior == null ? value : prior;
    }
}
