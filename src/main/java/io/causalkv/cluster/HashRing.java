package io.causalkv.cluster;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Consistent hashing of keys onto shards 1..N (API.md 9.5). Each shard owns {@link #POINTS_PER_SHARD}
 * points on a 64-bit ring; a key belongs to the shard of the first point at or after its hash.
 * Points depend only on the shard id, so going from N to N+1 shards adds the new shard's points
 * and moves only the keys that now fall on them, about 1/(N+1) of all keys.
 *
 * <p>The hash is MD5 from the JDK: not for security, but because it mixes short, sequential
 * names ({@code key1}, {@code key2}, ...) as well as random ones, and every JVM has it.
 */
public final class HashRing {

    /**
     * Points per shard. Each shard's exact share of the ring stays within 3.5 % of 1/N for up to
     * 10 shards with 4096 points (it was up to 10 % with 512), so the balance of API.md 9.5
     * depends on the keys' own spread, not on the ring. A ring of N shards costs 12 bytes a
     * point and is built once per shard count.
     */
    public static final int POINTS_PER_SHARD = 4096;
    private static final ConcurrentHashMap<Integer, HashRing> RINGS = new ConcurrentHashMap<>();
    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides MD5", e);
        }
    });

    private final long[] points;
    private final int[] owners;

    private HashRing(int shardCount) {
        long[][] all = new long[shardCount * POINTS_PER_SHARD][];
        int i = 0;
        for (int shard = 1; shard <= shardCount; shard++) {
            for (int p = 0; p < POINTS_PER_SHARD; p++) {
                all[i++] = new long[] {hash("shard-" + shard + "#" + p), shard};
            }
        }
        // Ties (practically impossible with 64 bits) are broken by shard id, the same on every node.
        Arrays.sort(all, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        points = new long[all.length];
        owners = new int[all.length];
        for (int j = 0; j < all.length; j++) {
            points[j] = all[j][0];
            owners[j] = (int) all[j][1];
        }
    }

    /** The ring of {@code shardCount} shards (rings are immutable and cached). */
    public static HashRing of(int shardCount) {
        if (shardCount < 1) {
            throw new IllegalArgumentException("shard count must be at least 1");
        }
        return RINGS.computeIfAbsent(shardCount, HashRing::new);
    }

    public int shardOf(String key) {
        int index = Arrays.binarySearch(points, hash(key));
        if (index < 0) {
            index = -index - 1;
        }
        return owners[index == points.length ? 0 : index];
    }

    static long hash(String text) {
        MessageDigest md5 = MD5.get();
        byte[] digest = md5.digest(text.getBytes(StandardCharsets.UTF_8));
        return ByteBuffer.wrap(digest).getLong();
    }
}
