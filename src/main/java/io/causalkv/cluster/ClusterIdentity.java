package io.causalkv.cluster;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Which cluster this node belongs to (issue 17: a wrong {@code VIEW} could merge two clusters,
 * since every map heard was merged). Heartbeats carry the id and whether the sender is
 * <em>settled</em> (it has met a node of its cluster). A new cluster's nodes derive the same id
 * from the same settings, and settle when they first meet; a node that has not settled takes
 * the id of a settled node it meets (it is joining), or a smaller one (two starting nodes whose
 * settings differ agree on one). Two settled nodes of different ids whose maps share no other
 * node never merge maps: each treats the other as unreachable. If their maps do share nodes
 * they are one cluster whose nodes started with different settings (kvs-keys nodes started
 * ahead of the view change that adds them list more nodes in VIEW, API.md 8.1), and they go on
 * as one. A message without an id (tools, tests) is taken as ours.
 */
public final class ClusterIdentity {

    /** A cluster id as heartbeats carry it. */
    public record Id(String id, boolean settled) {

        public static final Id UNKNOWN = new Id("", false);
    }

    /** What meeting another node's id means for the exchange. */
    public enum Meeting {
        /** The same cluster (now, if this node just took the other's id): merge maps as usual. */
        SAME,
        /** The other has not settled and will take this node's id: answer it, take nothing from it. */
        ANSWER_ONLY,
        /** Another cluster: no map is merged either way, and the other counts as unreachable. */
        FOREIGN
    }

    private String id;
    private boolean settled;

    public ClusterIdentity(String initial) {
        this.id = initial;
    }

    /** The id a new cluster's nodes derive from their common settings: its initial map. */
    public static String derive(ClusterMap initial) {
        List<String> nodes = initial.entries().keySet().stream().map(NodeAddress::toString).sorted().toList();
        String text = nodes + "|" + initial.layout();
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    public synchronized Id current() {
        return new Id(id, settled);
    }

    /**
     * Whether two nodes' maps name a node other than the two: they know of each other's cluster.
     * A wrong address in a view change or a VIEW names the other node alone.
     */
    public static boolean shareNodes(ClusterMap mine, ClusterMap theirs, NodeAddress one, NodeAddress other) {
        for (NodeAddress node : theirs.entries().keySet()) {
            if (!node.equals(one) && !node.equals(other) && mine.entries().containsKey(node)) {
                return true;
            }
        }
        return false;
    }

    /** Meets another node's id, whose map shares no other node with this one's. */
    public Meeting meet(Id theirs) {
        return meet(theirs, false);
    }

    /**
     * Meets another node's id (in a heartbeat or its answer); {@code sharedNodes}: their maps
     * name a node other than the two ({@link #shareNodes}). See {@link Meeting}.
     */
    public synchronized Meeting meet(Id theirs, boolean sharedNodes) {
        if (theirs.id().isEmpty()) {
            return Meeting.SAME;
        }
        if (theirs.id().equals(id)) {
            settled = true;
            return Meeting.SAME;
        }
        if (!settled && (theirs.settled() || theirs.id().compareTo(id) < 0)) {
            id = theirs.id();
            settled = true;
            return Meeting.SAME;
        }
        if (settled && theirs.settled()) {
            return sharedNodes ? Meeting.SAME : Meeting.FOREIGN;
        }
        return Meeting.ANSWER_ONLY;
    }

    /** Takes {@code chosen} as this node's cluster: at start-up, from the peers that answered. */
    public synchronized void adopt(Id chosen) {
        if (!chosen.id().isEmpty()) {
            id = chosen.id();
            settled = true;
        }
    }
}
