package io.causalkv.cluster;

/**
 * One shard in one layout epoch: the identity of a replica group. Replication and state
 * transfer name it, so a message meant for a shard of an older (or newer) layout never
 * reaches the wrong replica.
 */
public record ShardRef(int shard, long epoch) {

    /** The longest shard id text: nine digits, so every id fits an int. */
    private static final int MAX_ID_DIGITS = 9;

    /**
     * A shard id from its decimal text (API.md 9.1): a positive integer without sign, leading
     * zeros or other characters, or empty. Hand-written rather than a regex: causal metadata
     * names shards by this text and is decoded on every request.
     */
    public static java.util.OptionalInt parseId(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_ID_DIGITS || text.charAt(0) == '0') {
            return java.util.OptionalInt.empty();
        }
        int id = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return java.util.OptionalInt.empty();
            }
            id = id * 10 + (c - '0');
        }
        return java.util.OptionalInt.of(id);
    }

    @Override
    public String toString() {
        return "shard " + shard + "@e" + epoch;
    }
}
