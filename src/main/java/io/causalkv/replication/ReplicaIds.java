package io.causalkv.replication;

/**
 * The parts of a replica id, {@code address@incarnation.generation} (ShardHost): the node's
 * address, its incarnation (the node's start time in ms, base 36) and the replica's generation
 * within that incarnation. Ids in another form (tests, forged metadata) have no parts.
 */
final class ReplicaIds {

    private ReplicaIds() {
    }

    /** The node's address, or null. */
    static String nodeOf(String replicaId) {
        int at = replicaId.lastIndexOf('@');
        return at < 0 ? null : replicaId.substring(0, at);
    }

    /** The incarnation part as written (the whole id when there is no '@'). */
    static String incarnationOf(String replicaId) {
        int at = replicaId.lastIndexOf('@');
        int dot = replicaId.indexOf('.', at + 1);
        return at < 0 ? replicaId : replicaId.substring(at + 1, dot < 0 ? replicaId.length() : dot);
    }

    /** (incarnation, generation), ordered as the node made them, or null when the id has no such parts. */
    static long[] versionOf(String replicaId) {
        int at = replicaId.lastIndexOf('@');
        int dot = replicaId.indexOf('.', at + 1);
        if (at < 0 || dot < 0) {
            return null;
        }
        try {
            return new long[] {Long.parseLong(replicaId.substring(at + 1, dot), 36), Long.parseLong(replicaId.substring(dot + 1))};
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
