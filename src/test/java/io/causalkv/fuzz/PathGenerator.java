package io.causalkv.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Request targets across every dialect's path families and their near misses (API.md 3, 4.2,
 * 4.3), the product's own paths (/admin/, /metrics, /internal/...), and broken forms: double
 * slashes, dot segments, very long keys, valid and invalid percent-encodings, overlong UTF-8.
 *
 * <p>Generated keys never decode to a name containing {@code '~'}: the keys the test keeps
 * (written before, checked after) all contain one, so bad input can reach them only through a
 * server bug (a lax decoder turning {@code %C1%BE} into {@code '~'}, say), never by design.
 */
final class PathGenerator {

    private static final String PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";
    private static final List<String> ESCAPES = List.of(
            "%41", "%61", "%20", "%2F", "%2f", "%5C", "%2e", "%2E%2E", "%00", "%0A", "%0D%0A", "%25", "%3F", "%23", "%3B",
            "%zz", "%", "%4", "%G1", "%%", "%C3%A9", "%E6%97%A5", "%F0%9F%98%80", "%FF", "%C3%28", "%C3", "%E2%82",
            "%C0%AE", "%C0%AF", "%C1%BE", "%C0%80", "%E0%80%AF", "%F0%80%80%AF", "%F8%88%80%80%80", "%ED%A0%80",
            "%EF%BF%BF", "%F4%90%80%80", "%u0041", "+");
    private static final List<String> NAMES = List.of(
            "key-count", "view-change", "shards", "keys", "view", "shard", "hello", "test", ".", "..", "...", "%2e%2e",
            "a;b", "a;", ";", "a?b", "null", "undefined", "0", "-1", "CON", "%20", " ", "k#f");
    private static final List<String> IDS = List.of(
            "1", "2", "0", "-1", "3", "99", "2147483648", "99999999999999999999", "abc", "1.0", "%31", "+1", "01", " 1",
            "1 ", "0x1", "", "1e1", "%00", "１");

    private final Random random;

    PathGenerator(Random random) {
        this.random = random;
    }

    String next() {
        int roll = random.nextInt(100);
        if (roll < 40) {
            return keyPath();
        }
        if (roll < 60) {
            return clusterPath();
        }
        if (roll < 67) {
            return helloPath();
        }
        if (roll < 75) {
            return opsPath();
        }
        if (roll < 82) {
            return "/internal/" + pick("ping", "replicate", "sync", "join", "handoff", "reshard", "key-count", "", "nope",
                    "ping/", "../internal/ping", "%70ing");
        }
        return nearMiss();
    }

    private String keyPath() {
        String prefix = pick("/kvs/", "/kvs/", "/key-value-store/", "/key-value-store/", "/kvs/keys/", "/kvs/keys/");
        String path = prefix + key();
        return random.nextInt(10) == 0 ? path + query() : path;
    }

    /** A key as it appears in a path: usually plausible, often at a limit, sometimes broken. */
    String key() {
        int roll = random.nextInt(100);
        if (roll < 35) {
            return plain(1 + random.nextInt(20));
        }
        if (roll < 45) {
            return plain(pick(50, 51, 49, 52));
        }
        if (roll < 52) {
            // Very long: beyond the key limit, then beyond Jetty's header buffer (414/431).
            return plain(pick(100, 1_000, 7_000, 9_000, 20_000, 70_000));
        }
        if (roll < 60) {
            String unit = pick("%C3%A9", "%E6%97%A5", "%F0%9F%98%80", "é");
            return unit.repeat(pick(1, 25, 50, 51, 52));
        }
        if (roll < 82) {
            StringBuilder key = new StringBuilder();
            int parts = 1 + random.nextInt(4);
            for (int i = 0; i < parts; i++) {
                key.append(random.nextBoolean() ? plain(1 + random.nextInt(4)) : pick(ESCAPES));
            }
            return key.toString();
        }
        if (roll < 92) {
            return pick(NAMES);
        }
        // Raw bytes that a client library would escape: non-ASCII, controls, spaces, quotes.
        return plain(2) + pick("é", "\u0001", "\u007f", " ", "\"", "<x>", "{}", "|", "\\", "`", "^", "[0]") + plain(2);
    }

    /** A short key that any dialect stores (a few fixed names, so that writes meet each other). */
    String plainKey() {
        return random.nextBoolean() ? "k" + random.nextInt(20) : plain(1 + random.nextInt(12));
    }

    private String clusterPath() {
        String id = pick(IDS);
        return pick(
                "/view", "/view", "/view/", "/view/x", "/key-value-store-view", "/key-value-store-view/",
                "/shard/ids", "/shard/node-shard-id", "/shard/members/" + id, "/shard/key-count/" + id,
                "/shard/add-member/" + id, "/shard/reshard", "/shard/", "/shard", "/shard/members", "/shard/members/",
                "/shard/members/1/x", "/key-value-store-shard/shard-ids", "/key-value-store-shard/node-shard-id",
                "/key-value-store-shard/shard-id-members/" + id, "/key-value-store-shard/shard-id-key-count/" + id,
                "/key-value-store-shard/add-member/" + id, "/key-value-store-shard/reshard", "/key-value-store-shard/",
                "/kvs/shards", "/kvs/shards/" + id, "/kvs/shards/", "/kvs/key-count", "/kvs/key-count/",
                "/kvs/view-change", "/kvs/view-change/", "/kvs/shard/" + id, "/kvs/shard/members/" + id);
    }

    private String helloPath() {
        return pick("/hello", "/hello", "/hello/" + key(), "/hello/", "/hello/a/b", "/test", "/test" + query(),
                "/test?msg=" + key(), "/test?msg=%zz", "/test?msg", "/test?msg=a&msg=b", "/test/", "/hello%2Fx");
    }

    private String opsPath() {
        return pick("/metrics", "/metrics/", "/health", "/ready", "/admin", "/admin/", "/admin/api/cluster",
                "/admin/api/cluster/", "/admin/index.html", "/admin/app.js", "/admin/../WEB-INF/web.xml",
                "/admin/%2e%2e/WEB-INF/web.xml", "/admin/..%2FWEB-INF%2Fweb.xml", "/WEB-INF/web.xml", "/_error",
                "/admin/" + key(), "/", "", "/favicon.ico", "/META-INF/MANIFEST.MF");
    }

    private String nearMiss() {
        String k = plain(1 + random.nextInt(8));
        return pick(
                "/kvs/", "/kvs", "/kvs/keys/", "/kvs/keys", "/key-value-store/", "/key-value-store", "/KVS/" + k,
                "/Kvs/" + k, "/kvs//" + k, "//kvs/" + k, "/kvs/./" + k, "/kvs/../kvs/" + k, "/kvs/" + k + "/",
                "/kvs/" + k + "/x", "/kvs/keys/" + k + "/x", "/kvs/keys//" + k, "/kvs/" + k + ";p=1",
                "/kvs;p=1/" + k, "/kvs%2F" + k, "/%6Bvs/" + k, "/kvs/%2e%2e/view", "/key-value-store/../view",
                "/kvs/" + k + "#frag", "/kvs/" + k + "?" + k, "kvs/" + k, "*", "http://127.0.0.1/kvs/" + k,
                "http://evil.example/kvs/" + k, "/./kvs/" + k, "/kvs/keys/./" + k, "/key-value-store-views",
                "/key-value-storex/" + k, "/kvs-keys/" + k, "/kv-store/" + k, "/kvs/data/" + k, "/data/" + k,
                "/ping", "/echo/" + k, "/kvs/admin/view", "/\\kvs\\" + k, "/" + "a/".repeat(1 + random.nextInt(400)),
                "/kvs/" + k + "%", "/kvs/%" + k, "/%zz", "/..", "/../..", "/kvs/..%00/" + k);
    }

    private String query() {
        return pick("?", "?x=1", "?msg=hi", "?causal-metadata=%7B%7D", "?a=%zz", "?&&&", "?" + "q=1&".repeat(200), "?é");
    }

    private String plain(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(PLAIN.charAt(random.nextInt(PLAIN.length())));
        }
        return text.toString();
    }

    @SafeVarargs
    private <T> T pick(T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    private <T> T pick(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    /** The bytes of a target as sent: characters above ASCII go out as raw UTF-8. */
    static byte[] bytes(String target) {
        return target.getBytes(StandardCharsets.UTF_8);
    }
}
