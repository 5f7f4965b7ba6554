package io.causalkv.cluster;

/**
 * The key layout of the cluster: how many shards, and in which epoch. A replicated cluster
 * ({@code sharded == false}) is one shard, id 1, whose members are the whole view. A reshard
 * starts a new epoch; the layout with the higher epoch wins everywhere (at equal epochs a
 * sharded layout beats the replicated one, so a node started without SHARD_COUNT learns that
 * the cluster is sharded, API.md 2.2).
 *
 * <p>{@code replFactor} is the replication factor a {@code kvs-keys} cluster was given
 * ({@code REPL_FACTOR}, or a view-change's {@code repl-factor}); 0 when none was, which in that
 * dialect means "unreplicated mode", whose answers carry no causal context (API.md 8.1).
 */
public record Layout(long epoch, int shardCount, boolean sharded, int replFactor) {

    /** The layout of a new replicated cluster. */
    public static final Layout REPLICATED = new Layout(1, 1, false);

    public Layout {
        if (epoch < 1 || shardCount < 1 || (!sharded && shardCount != 1) || replFactor < 0) {
            throw new IllegalArgumentException("invalid layout " + epoch + "/" + shardCount + "/" + sharded + "/" + replFactor);
        }
    }

    public Layout(long epoch, int shardCount, boolean sharded) {
        this(epoch, shardCount, sharded, 0);
    }

    public static Layout sharded(long epoch, int shardCount) {
        return new Layout(epoch, shardCount, true);
    }

    /** True when this layout wins over {@code other}. */
    public boolean beats(Layout other) {
        if (epoch != other.epoch) {
            return epoch > other.epoch;
        }
        if (sharded != other.sharded) {
            return sharded;
        }
        if (shardCount != other.shardCount) {
            return shardCount > other.shardCount;
        }
        return replFactor > other.replFactor;
    }

    public boolean hasShard(int shard) {
        return shard >= 1 && shard <= shardCount;
    }

    /** The shard of a key in this layout. */
    public int shardOf(String key) {
        return sharded ? HashRing.of(shardCount).shardOf(key) : 1;
    }
}
