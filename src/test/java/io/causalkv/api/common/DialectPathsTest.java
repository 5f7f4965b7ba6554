package io.causalkv.api.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.node.Dialect;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DialectPathsTest {

    private static final Set<Dialect> DEFAULT = EnumSet.of(Dialect.HELLO, Dialect.KVS, Dialect.KEY_VALUE_STORE);
    private static final Set<Dialect> ALL = EnumSet.allOf(Dialect.class);

    @Test
    void pathsBelongToTheirDialectFamilies() {
        assertEquals(Optional.of(Dialect.HELLO), DialectPaths.dialectOf("hello/x", DEFAULT));
        assertEquals(Optional.of(Dialect.HELLO), DialectPaths.dialectOf("test", DEFAULT));
        assertEquals(Optional.of(Dialect.KVS), DialectPaths.dialectOf("kvs/k", DEFAULT));
        assertEquals(Optional.of(Dialect.KVS), DialectPaths.dialectOf("shard/ids", DEFAULT));
        assertEquals(Optional.of(Dialect.KEY_VALUE_STORE), DialectPaths.dialectOf("key-value-store-view", DEFAULT));
        assertEquals(Optional.empty(), DialectPaths.dialectOf("admin/x", DEFAULT));
    }

    @Test
    void kvsKeysNamesAreKvsKeysPathsOnlyWhenThatDialectIsOn() {
        assertEquals(Optional.of(Dialect.KVS), DialectPaths.dialectOf("kvs/shards", DEFAULT));
        assertEquals(Optional.of(Dialect.KVS_KEYS), DialectPaths.dialectOf("kvs/shards", ALL));
        assertTrue(DialectPaths.isKeyPath("kvs/key-count", DEFAULT));
        assertFalse(DialectPaths.isKeyPath("kvs/key-count", ALL));
        assertTrue(DialectPaths.isKeyPath("kvs/keys/a%2Fb", ALL));
    }

    @Test
    void aDisabledDialectOwnsNoPath() {
        Set<Dialect> kvsOnly = EnumSet.of(Dialect.KVS);
        assertEquals(Optional.empty(), DialectPaths.dialectOf("hello", kvsOnly));
        assertFalse(DialectPaths.isKeyPath("key-value-store/a%2Fb", kvsOnly));
    }
}
