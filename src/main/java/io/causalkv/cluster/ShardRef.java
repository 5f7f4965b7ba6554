package io.causalkv.cluster;

/**
 * One shard in one layout epoch: the identity of a replica group. Replication and state
 * transfer name it, so a message meant for a shard of an older (or newer) layout never
 * reaches the wrong replica.
 */
public record ShardRef(int shard, long epoch) {

    @Override
    public String toString() {
        return "shard " + shard + "@e" + epoch;
    }
}
