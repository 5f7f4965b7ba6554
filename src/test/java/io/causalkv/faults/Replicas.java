package io.causalkv.faults;

import io.causalkv.cluster.HashRing;
import io.causalkv.history.FinalState;
import io.causalkv.history.FinalState.Reading;
import io.causalkv.testing.Await;
import io.causalkv.testing.Http;
import io.causalkv.testing.Nodes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Reads every replica's own value of each key after a heal, and measures how long after the
 * heal the replicas first agreed: the layout agreed on by every running node (every running
 * node a member of some shard), and for each key the same answer from every member of its
 * shard. A replica is asked directly ({@code GET /kvs/<key>} with no causal history at a member
 * of the key's shard), so it answers from its own store.
 */
public final class Replicas {

    /** Shard id to members, as one node reports it. */
    public record Layout(Map<Integer, List<String>> shards) {

        public int shardOf(String key) {
            return shards.size() == 1 ? shards.keySet().iterator().next() : HashRing.of(shards.size()).shardOf(key);
        }

        public Set<String> members() {
            Set<String> all = new HashSet<>();
            shards.values().forEach(all::addAll);
            return all;
        }
    }

    private Replicas() {
    }

    /** The layout every running node reports, or null while they disagree or leave a running node out. */
    public static Layout agreedLayout(Nodes nodes) {
        Layout agreed = null;
        List<String> running = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (!nodes.isRunning(i)) {
                continue;
            }
            running.add(nodes.address(i));
            Layout layout = layout(nodes, i);
            if (layout == null || (agreed != null && !agreed.equals(layout))) {
                return null;
            }
            agreed = layout;
        }
        return agreed != null && agreed.members().containsAll(running) ? agreed : null;
    }

    private static Layout layout(Nodes nodes, int node) {
        Http.Reply ids = Http.send("GET", nodes.url(node, "/shard/ids"));
        if (ids.status() != 200) {
            return null;
        }
        Map<Integer, List<String>> shards = new LinkedHashMap<>();
        for (var id : ids.json().get("shard-ids")) {
            Http.Reply members = Http.send("GET", nodes.url(node, "/shard/members/" + id.intValue()));
            if (members.status() != 200) {
                return null;
            }
            List<String> list = new ArrayList<>();
            members.json().get("shard-members").forEach(m -> list.add(m.asText()));
            shards.put(id.intValue(), list);
        }
        return new Layout(shards);
    }

    /**
     * Polls until the replicas agree on every key or {@code window} after the heal has passed;
     * returns the readings of the last round, with the time of agreement since the heal and when
     * a round last saw them apart (a layout not agreed counts as apart).
     */
    public static FinalState converge(Nodes nodes, Collection<String> keys, long healNanos, Duration window) {
        long end = healNanos + window.toNanos();
        FinalState last = null;
        // What kept them apart in the last round that did not agree: says why a convergence was slow.
        String disagreement = null;
        Duration apartAfter = null;
        while (true) {
            Layout layout = agreedLayout(nodes);
            String apart;
            if (layout != null) {
                FinalState round = read(layout, keys);
                last = round;
                apart = firstDisagreement(round);
                if (apart == null) {
                    return round.convergedAfter(Duration.ofNanos(System.nanoTime() - healNanos))
                            .lastDisagreement(disagreement).lastApartAfter(apartAfter);
                }
            } else {
                apart = "the nodes did not agree on the layout";
            }
            // When the round ended: some reading in it saw them apart (strict: not when it began).
            apartAfter = Duration.ofNanos(System.nanoTime() - healNanos);
            disagreement = apartAfter.toMillis() + " ms after the heal: " + apart;
            if (System.nanoTime() > end) {
                return (last != null ? last : new FinalState()).lastDisagreement(disagreement).lastApartAfter(apartAfter);
            }
            Await.elapse(Duration.ofMillis(50));
        }
    }

    private static FinalState read(Layout layout, Collection<String> keys) {
        FinalState state = new FinalState();
        for (String key : keys) {
            for (String replica : layout.shards().get(layout.shardOf(key))) {
                state.put(key, replica, reading(replica, key));
            }
        }
        return state;
    }

    private static Reading reading(String replica, String key) {
        try {
            Http.Reply reply = Http.send("GET", "http://" + replica + "/kvs/" + key, "{\"causal-metadata\":null}");
            if (reply.status() == 200) {
                var value = reply.json().get("value");
                return Reading.of(value.isTextual() ? value.asText() : value.toString());
            }
            return new Reading(reply.status(), null);
        } catch (RuntimeException e) {
            return new Reading(-1, null);
        }
    }

    /** The first key on which the replicas disagree (or one does not answer), with every reading; null when they agree. */
    private static String firstDisagreement(FinalState state) {
        for (Map.Entry<String, Map<String, Reading>> key : state.readings().entrySet()) {
            Reading first = key.getValue().values().iterator().next();
            for (Reading reading : key.getValue().values()) {
                if (!reading.readable() || !Objects.equals(reading, first)) {
                    return key.getKey() + " " + key.getValue();
                }
            }
        }
        return null;
    }
}
