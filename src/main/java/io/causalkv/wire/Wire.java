package io.causalkv.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.causalkv.causal.CausalContext;
import io.causalkv.causal.Dot;
import io.causalkv.causal.Interner;
import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.Layout;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.replication.ShardStatus;
import io.causalkv.replication.StateDelta;
import io.causalkv.replication.SyncCursor;
import io.causalkv.replication.Write;
import io.causalkv.store.Entry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The JSON forms of the core's values: the one {@link ObjectMapper}, causal metadata (also what
 * clients see), and the peer protocol's messages. Decoders are strict: anything unexpected is an
 * {@link IllegalArgumentException}.
 */
public final class Wire {

    /**
     * Numbers keep their exact decimal value (no rounding through double), trailing garbage
     * after a document is an error, and Jackson's default limits on nesting and number length
     * reject hostile input.
     */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();


    private Wire() {
    }

    // ---- causal metadata -----------------------------------------------------------------

    /** {@code {}} for no history, else {@code {"e":epoch,"s":{"<shard>":{"<replica>":n}}}}, keys sorted. */
    public static ObjectNode context(CausalContext context) {
        ObjectNode node = MAPPER.createObjectNode();
        if (context.isEmpty()) {
            return node;
        }
        node.put("e", context.epoch());
        if (context.lamport() > 0) {
            node.put("l", context.lamport());
        }
        ObjectNode shards = node.putObject("s");
        context.shards().forEach((shard, clock) -> shards.set(Integer.toString(shard), clock(clock)));
        return node;
    }

    /**
     * Decodes metadata as a client sends it: null, a missing field, {@code ""} and {@code {}} are
     * "no history"; any other value must be an object this server issued.
     */
    public static CausalContext decodeContext(JsonNode node) {
        if (node == null || node.isNull() || (node.isTextual() && node.asText().isEmpty())
                || (node.isObject() && node.isEmpty())) {
            return CausalContext.EMPTY;
        }
        require(node.isObject() && node.has("e") && node.has("s") && node.size() == (node.has("l") ? 3 : 2),
                "not causal metadata");
        long epoch = positive(node.get("e"), true);
        long lamport = node.has("l") ? positive(node.get("l"), false) : 0;
        require(lamport <= CausalContext.MAX_LAMPORT, "Lamport time out of range");
        JsonNode shards = node.get("s");
        require(shards.isObject(), "shards must be an object");
        Map<Integer, VectorClock> clocks = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = shards.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> shard = it.next();
            java.util.OptionalInt id = ShardRef.parseId(shard.getKey());
            require(id.isPresent(), "bad shard id");
            clocks.put(id.getAsInt(), decodeClock(shard.getValue()));
        }
        return CausalContext.of(epoch, clocks, lamport);
    }

    public static ObjectNode clock(VectorClock clock) {
        ObjectNode node = MAPPER.createObjectNode();
        clock.entries().forEach(node::put);
        return node;
    }

    public static VectorClock decodeClock(JsonNode node) {
        require(node != null && node.isObject(), "clock must be an object");
        Map<String, Long> entries = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            require(!e.getKey().isEmpty(), "empty replica id");
            entries.put(Interner.REPLICA_IDS.intern(e.getKey()), positive(e.getValue(), false));
        }
        return VectorClock.of(entries);
    }

    // ---- cluster map -----------------------------------------------------------------------

    /**
     * {@code {"layout":{"e":epoch,"n":shards,"x":sharded},"nodes":[{"a":address,"s":status,"v":version,
     * "o":stamp,"h":shard,"he":shardEpoch},...]}}, nodes sorted by address.
     */
    public static ObjectNode map(ClusterMap map) {
        ObjectNode node = MAPPER.createObjectNode();
        node.putObject("layout")
                .put("e", map.layout().epoch())
                .put("n", map.layout().shardCount())
                .put("x", map.layout().sharded())
                .put("r", map.layout().replFactor());
        ArrayNode nodes = node.putArray("nodes");
        map.entries().entrySet().stream()
                .sorted(Map.Entry.comparingByKey(Comparator.comparing(NodeAddress::toString)))
                .forEach(e -> nodes.addObject()
                        .put("a", e.getKey().toString())
                        .put("s", e.getValue().status().name())
                        .put("v", e.getValue().version())
                        .put("o", e.getValue().stamp())
                        .put("h", e.getValue().shard())
                        .put("he", e.getValue().shardEpoch()));
        return node;
    }

    public static ClusterMap decodeMap(JsonNode node) {
        require(node != null && node.path("nodes").isArray() && node.path("layout").isObject(), "map must have layout and nodes");
        JsonNode layout = node.get("layout");
        Map<NodeAddress, ClusterMap.Member> entries = new LinkedHashMap<>();
        for (JsonNode n : node.get("nodes")) {
            entries.put(NodeAddress.parse(n.path("a").asText()), new ClusterMap.Member(
                    ClusterMap.Status.valueOf(n.path("s").asText()), n.path("v").asLong(), n.path("o").asLong(),
                    n.path("h").asInt(), n.path("he").asLong()));
        }
        return new ClusterMap(new Layout(layout.path("e").asLong(), layout.path("n").asInt(), layout.path("x").asBoolean(),
                layout.path("r").asInt()), entries);
    }

    // ---- writes and entries ----------------------------------------------------------------

    public static ObjectNode write(Write write) {
        ObjectNode node = entryFields(write.key(), write.value(), write.dot(), write.lamport(), write.foreign());
        if (!write.deps().isEmpty()) {
            node.set("d", clock(write.deps()));
        }
        return node;
    }

    public static Write decodeWrite(JsonNode node) {
        requireEntryFields(node);
        VectorClock deps = node.has("d") ? decodeClock(node.get("d")) : VectorClock.EMPTY;
        return new Write(node.get("k").asText(), valueOf(node), dotOf(node), node.path("l").asLong(), deps, foreignOf(node));
    }

    public static ObjectNode delta(StateDelta delta) {
        ObjectNode node = MAPPER.createObjectNode();
        node.set("clock", clock(delta.clock()));
        node.set("entries", entries(delta.entries()));
        if (delta.next() != null) {
            node.set("next", cursor(delta.next()));
        }
        return node;
    }

    public static StateDelta decodeDelta(JsonNode node) {
        return new StateDelta(decodeClock(node.get("clock")), decodeEntries(node.get("entries")), decodeCursor(node.get("next")));
    }

    /** {@code {"h":hash,"k":key}}, or null. */
    public static JsonNode cursor(SyncCursor cursor) {
        return cursor == null ? MAPPER.nullNode() : MAPPER.createObjectNode().put("h", cursor.hash()).put("k", cursor.key());
    }

    public static SyncCursor decodeCursor(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        require(node.path("k").isTextual(), "a cursor needs a key");
        return SyncCursor.at(node.get("k").asText());
    }

    public static ArrayNode entries(List<StateDelta.KeyedEntry> keyedEntries) {
        ArrayNode entries = MAPPER.createArrayNode();
        for (StateDelta.KeyedEntry keyed : keyedEntries) {
            Entry e = keyed.entry();
            entries.add(entryFields(keyed.key(), e.value(), e.dot(), e.lamport(), e.foreign()));
        }
        return entries;
    }

    public static List<StateDelta.KeyedEntry> decodeEntries(JsonNode node) {
        require(node != null && node.isArray(), "entries must be an array");
        List<StateDelta.KeyedEntry> entries = new ArrayList<>();
        node.forEach(e -> entries.add(new StateDelta.KeyedEntry(e.get("k").asText(), decodeEntry(e))));
        return entries;
    }

    // ---- shards ----------------------------------------------------------------------------

    /** {@code {"shard":n,"epoch":e}}. */
    public static ObjectNode shardRef(ShardRef ref) {
        return MAPPER.createObjectNode().put("shard", ref.shard()).put("epoch", ref.epoch());
    }

    public static ShardRef decodeShardRef(JsonNode node) {
        require(node != null && node.path("shard").isInt() && node.path("epoch").canConvertToLong(), "bad shard reference");
        return new ShardRef(node.get("shard").asInt(), node.get("epoch").asLong());
    }

    /** A replica's report in heartbeats; {@code "ref"} is absent when the node holds no replica. */
    public static ObjectNode shardStatus(ShardStatus status) {
        ObjectNode node = MAPPER.createObjectNode();
        if (status.shard() != null) {
            node.set("ref", shardRef(status.shard()));
        }
        node.set("applied", clock(status.applied()));
        node.put("keys", status.liveKeys());
        node.put("ready", status.ready());
        if (!status.replica().isEmpty()) {
            node.put("replica", status.replica());
        }
        if (!status.held().isEmpty()) {
            node.set("held", clock(status.held()));
        }
        return node;
    }

    public static ShardStatus decodeShardStatus(JsonNode node) {
        require(node != null && node.isObject(), "status must be an object");
        ShardRef ref = node.has("ref") ? decodeShardRef(node.get("ref")) : null;
        return new ShardStatus(ref, decodeClock(node.get("applied")), node.path("keys").asInt(), node.path("ready").asBoolean(),
                Interner.REPLICA_IDS.intern(node.path("replica").asText("")),
                node.has("held") ? decodeClock(node.get("held")) : VectorClock.EMPTY);
    }

    private static ObjectNode entryFields(String key, String value, Dot dot, long lamport, CausalContext foreign) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("k", key);
        if (value != null) {
            node.putRawValue("v", new RawValue(value));
        }
        node.put("r", dot.replica());
        node.put("q", dot.seq());
        node.put("l", lamport);
        if (!foreign.isEmpty()) {
            node.set("f", context(foreign));
        }
        return node;
    }

    private static Entry decodeEntry(JsonNode node) {
        requireEntryFields(node);
        return new Entry(valueOf(node), dotOf(node), node.path("l").asLong(), foreignOf(node));
    }

    private static void requireEntryFields(JsonNode node) {
        require(node.hasNonNull("k") && node.hasNonNull("r"), "entry needs k and r");
    }

    private static String valueOf(JsonNode entry) {
        return entry.has("v") ? compact(entry.get("v")) : null;
    }

    private static Dot dotOf(JsonNode entry) {
        return new Dot(Interner.REPLICA_IDS.intern(entry.get("r").asText()), entry.path("q").asLong());
    }

    private static CausalContext foreignOf(JsonNode entry) {
        return entry.has("f") ? decodeContext(entry.get("f")) : CausalContext.EMPTY;
    }

    // ---- helpers ---------------------------------------------------------------------------

    /**
     * The compact JSON text of a value, as it is stored. A JSON string may carry a lone surrogate
     * (a backslash-u escape of U+D800 alone is valid JSON); written as a raw char it would make the text impossible
     * to encode as UTF-8, so every answer or peer message embedding the value would fail (a 500
     * on GET, and anti-entropy of the whole shard failing on it). It stays an escape instead.
     */
    public static String compact(JsonNode value) {
        try {
            return escapeLoneSurrogates(MAPPER.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always serializes", e);
        }
    }

    /** {@code json} with each unpaired surrogate char written as a backslash-u escape (only strings hold them). */
    static String escapeLoneSurrogates(String json) {
        StringBuilder out = null;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < json.length() && Character.isLowSurrogate(json.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(c).append(json.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (out == null) {
                    out = new StringBuilder(json.length() + 16).append(json, 0, i);
                }
                out.append(String.format("\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? json : out.toString();
    }

    private static long positive(JsonNode node, boolean zeroAllowed) {
        require(node != null && node.isIntegralNumber() && node.canConvertToLong(), "counter must be an integer");
        long value = node.asLong();
        require(value > 0 || (zeroAllowed && value == 0), "counter out of range");
        return value;
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException(problem);
        }
    }
}
