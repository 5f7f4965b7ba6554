package io.causalkv.api.common;

import io.causalkv.node.Dialect;
import java.util.Optional;
import java.util.Set;

/**
 * Which enabled dialect a path belongs to (API.md 3), so that errors raised outside a resource
 * (404, 405, 413, a bad key encoding) use that dialect's error family. Paths are relative to
 * the application, without the leading slash, still percent-encoded.
 */
public final class DialectPaths {

    /**
     * Single-segment names that are {@code kvs-keys} paths rather than {@code kvs} keys when
     * kvs-keys is on (API.md 3). ({@code /kvs/keys/<key>} has two segments and never collides.)
     */
    public static final Set<String> KVS_KEYS_NAMES = Set.of("key-count", "view-change", "shards");

    private DialectPaths() {
    }

    public static Optional<Dialect> dialectOf(String path, Set<Dialect> enabled) {
        return candidate(path.split("/", -1), enabled).filter(enabled::contains);
    }

    /** True for {@code kvs/keys/<key>} with kvs-keys enabled. */
    public static boolean isKvsKeysKeyPath(String path, Set<Dialect> enabled) {
        String[] s = path.split("/", -1);
        return enabled.contains(Dialect.KVS_KEYS) && s.length == 3 && s[0].equals("kvs") && s[1].equals("keys");
    }

    /** True for a path that names a key in an enabled dialect ({@code /kvs/<key>} and the like). */
    public static boolean isKeyPath(String path, Set<Dialect> enabled) {
        String[] s = path.split("/", -1);
        if (isKvsKeysKeyPath(path, enabled)) {
            return true;
        }
        if (s.length != 2) {
            return false;
        }
        return switch (s[0]) {
            case "kvs" -> enabled.contains(Dialect.KVS)
                    && !(enabled.contains(Dialect.KVS_KEYS) && KVS_KEYS_NAMES.contains(s[1]));
            case "key-value-store" -> enabled.contains(Dialect.KEY_VALUE_STORE);
            default -> false;
        };
    }

    private static Optional<Dialect> candidate(String[] s, Set<Dialect> enabled) {
        return Optional.ofNullable(switch (s[0]) {
            case "hello", "test" -> Dialect.HELLO;
            case "view", "shard" -> Dialect.KVS;
            case "key-value-store", "key-value-store-view", "key-value-store-shard" -> Dialect.KEY_VALUE_STORE;
            case "kvs" -> enabled.contains(Dialect.KVS_KEYS)
                    && ((s.length > 1 && KVS_KEYS_NAMES.contains(s[1])) || (s.length == 3 && s[1].equals("keys")))
                    ? Dialect.KVS_KEYS : Dialect.KVS;
            default -> null;
        });
    }
}
