package io.causalkv.node;

import java.util.Arrays;
import java.util.Optional;

/** The API dialects one node can serve (API.md 3). The wire name is what {@code KVS_API} lists. */
public enum Dialect {
    HELLO("hello"),
    KVS("kvs"),
    KEY_VALUE_STORE("key-value-store"),
    KVS_KEYS("kvs-keys");

    private final String wireName;

    Dialect(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<Dialect> byWireName(String name) {
        return Arrays.stream(values()).filter(d -> d.wireName.equals(name)).findFirst();
    }
}
