package io.causalkv.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.causalkv.causal.VectorClock;
import io.causalkv.cluster.ClusterIdentity;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.cluster.ShardRef;
import io.causalkv.replication.Receipt;
import io.causalkv.replication.ShardStatus;
import io.causalkv.replication.StateDelta;
import io.causalkv.replication.SyncCursor;
import io.causalkv.replication.Write;
import io.causalkv.wire.Wire;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One row per peer message (Cassandra's {@code Verb}): its path under {@code /internal/}, how long
 * a sender waits for it, how its request and its answer travel as JSON, and which
 * {@link PeerHandler} method takes it. The HTTP client and the servlet that serves
 * {@code /internal/*} both work from this table, and every {@link PeerClient} (the in-memory
 * network and the fault wrappers of the tests too) takes an operation as one {@code call}, so
 * adding an operation is one row and its handler. Decoders are strict ({@link Wire}): a message they cannot read is an
 * {@link IllegalArgumentException} (or a {@link NullPointerException} for a missing field).
 *
 * @param <Q> the request
 * @param <A> the answer
 */
public final class PeerOperation<Q, A> {

    /** Writes of a shard for a peer replica. */
    /** {@code missed}: writes the receiver missed while cut off from the sender (see {@code StagedWrites}). */
    public record Replication(NodeAddress from, ShardRef shard, List<Write> writes, boolean missed) {
        public Replication {
            writes = List.copyOf(writes);
        }
    }

    /**
     * A request for the entries of a shard that {@code since} does not cover. {@code holdsImported}:
     * the requester has every entry the shard's layout change handed over (it is ready), so those,
     * which no clock covers, are left out; a replica still fetching its shard gets them.
     * {@code pageEntries} > 0 asks for the answer in pages of at most that many entries, starting
     * after {@code after} (null: the first page); 0 asks for the whole delta at once.
     * {@code handOverEpoch} > 0: the asker hands this shard's keys over to the layout of that
     * epoch on behalf of the answering replica too, which records what the pull covers.
     */
    public record SyncRequest(NodeAddress from, ShardRef shard, VectorClock since, boolean holdsImported,
                              SyncCursor after, int pageEntries, long handOverEpoch) {

        /** The first page of a paged request. */
        public SyncRequest(NodeAddress from, ShardRef shard, VectorClock since, boolean holdsImported, int pageEntries) {
            this(from, shard, since, holdsImported, null, pageEntries, 0);
        }

        public SyncRequest after(SyncCursor cursor) {
            return new SyncRequest(from, shard, since, holdsImported, cursor, pageEntries, handOverEpoch);
        }

        public SyncRequest forHandOver(long epoch) {
            return new SyncRequest(from, shard, since, holdsImported, after, pageEntries, epoch);
        }
    }

    /** Keys handed over by a reshard to a member of their shard in the new layout. */
    public record Handoff(ShardRef shard, List<StateDelta.KeyedEntry> entries) {
        public Handoff {
            entries = List.copyOf(entries);
        }
    }

    /**
     * A probe fails fast, so a lost peer is suspected within a probe period and this (FailureDetector).
     * The map travels only when it may differ from the other side's; its digest always does.
     */
    public static final PeerOperation<Ping, PingReply> PING = new PeerOperation<>("ping", Duration.ofMillis(400),
            ping -> withCluster(withMap(object().put("from", ping.from().toString()), ping.map(), ping.mapDigest())
                    .set("status", Wire.shardStatus(ping.status())), ping.cluster()),
            json -> new Ping(address(json, "from"), mapOf(json),
                    json.has("status") ? Wire.decodeShardStatus(json.get("status")) : ShardStatus.NONE, cluster(json),
                    digestOf(json)),
            reply -> withCluster(withMap(object(), reply.map(), reply.mapDigest()).set("status", Wire.shardStatus(reply.status())),
                    reply.cluster()),
            json -> new PingReply(mapOf(json), Wire.decodeShardStatus(json.get("status")), cluster(json), digestOf(json)),
            PeerHandler::onPing);

    public static final PeerOperation<Replication, Receipt> REPLICATE = new PeerOperation<>("replicate", Duration.ofMillis(1_000),
            r -> {
                ObjectNode body = object().put("from", r.from().toString()).put("missed", r.missed())
                        .set("shard", Wire.shardRef(r.shard()));
                ArrayNode writes = body.putArray("writes");
                r.writes().forEach(w -> writes.add(Wire.write(w)));
                return body;
            },
            json -> {
                List<Write> writes = new ArrayList<>();
                json.get("writes").forEach(w -> writes.add(Wire.decodeWrite(w)));
                return new Replication(address(json, "from"), Wire.decodeShardRef(json.get("shard")), writes,
                        json.path("missed").asBoolean(false));
            },
            receipt -> object().put("accepted", receipt.accepted()).put("held", receipt.held()),
            // A peer that does not say how far it holds the writes holds nothing for the acknowledgement.
            json -> new Receipt(json.path("accepted").asBoolean(false), json.path("held").asLong(0)),
            (handler, r) -> handler.onReplicate(r));

    public static final PeerOperation<SyncRequest, Optional<StateDelta>> SYNC = new PeerOperation<>("sync", Duration.ofMillis(4_000),
            s -> object().put("from", s.from().toString()).<ObjectNode>set("shard", Wire.shardRef(s.shard()))
                    .<ObjectNode>set("since", Wire.clock(s.since())).put("holds-imported", s.holdsImported())
                    .put("page-entries", s.pageEntries()).put("hand-over-epoch", s.handOverEpoch())
                    .set("after", Wire.cursor(s.after())),
            // A sender that does not say gets everything (the safe side), in one answer.
            json -> new SyncRequest(address(json, "from"), Wire.decodeShardRef(json.get("shard")),
                    Wire.decodeClock(json.get("since")), json.path("holds-imported").asBoolean(false),
                    Wire.decodeCursor(json.get("after")), Math.max(0, json.path("page-entries").asInt(0)),
                    json.path("hand-over-epoch").asLong(0)),
            delta -> delta.map(Wire::delta).orElseGet(PeerOperation::object),
            json -> json.has("clock") ? Optional.of(Wire.decodeDelta(json)) : Optional.empty(),
            PeerHandler::onSync);

    public static final PeerOperation<NodeAddress, ClusterMap> JOIN = new PeerOperation<>("join", Duration.ofMillis(1_000),
            joiner -> object().put("address", joiner.toString()),
            json -> address(json, "address"),
            map -> object().set("map", Wire.map(map)),
            json -> Wire.decodeMap(json.get("map")),
            PeerHandler::onJoin);

    /** A hand-over carries up to a batch of whole entries. */
    public static final PeerOperation<Handoff, Boolean> HANDOFF = new PeerOperation<>("handoff", Duration.ofMillis(4_000),
            h -> object().<ObjectNode>set("shard", Wire.shardRef(h.shard())).set("entries", Wire.entries(h.entries())),
            json -> new Handoff(Wire.decodeShardRef(json.get("shard")), Wire.decodeEntries(json.get("entries"))),
            accepted -> object().put("accepted", accepted),
            json -> json.path("accepted").asBoolean(false),
            (handler, h) -> handler.onHandoff(h.shard(), h.entries()));

    /** A transfer step hands a whole replica over; it is bounded so a reshard answers within seconds. */
    public static final PeerOperation<ReshardStep, Boolean> RESHARD = new PeerOperation<>("reshard", Duration.ofMillis(8_000),
            step -> {
                ObjectNode body = object().put("phase", step.phase().name()).put("proposal", step.proposal())
                        .set("map", Wire.map(step.proposed()));
                ArrayNode participants = body.putArray("participants");
                step.participants().forEach(node -> participants.add(node.toString()));
                ArrayNode senders = body.putArray("senders");
                step.senders().forEach(node -> senders.add(node.toString()));
                return body;
            },
            json -> {
                List<NodeAddress> participants = new ArrayList<>();
                json.path("participants").forEach(a -> participants.add(NodeAddress.parse(a.asText())));
                List<NodeAddress> senders = new ArrayList<>();
                json.path("senders").forEach(a -> senders.add(NodeAddress.parse(a.asText())));
                return new ReshardStep(ReshardStep.Phase.valueOf(json.path("phase").asText()),
                        Wire.decodeMap(json.get("map")), participants, json.path("proposal").asText(""), senders);
            },
            done -> object().put("done", done),
            json -> json.path("done").asBoolean(false),
            PeerHandler::onReshard);

    public static final PeerOperation<ShardRef, Integer> KEY_COUNT = new PeerOperation<>("key-count", Duration.ofMillis(1_000),
            shard -> object().set("shard", Wire.shardRef(shard)),
            json -> Wire.decodeShardRef(json.get("shard")),
            count -> object().put("count", count),
            json -> json.path("count").asInt(-1),
            PeerHandler::onKeyCount);

    private static final Map<String, PeerOperation<?, ?>> BY_NAME = List.<PeerOperation<?, ?>>of(
                    PING, REPLICATE, SYNC, JOIN, HANDOFF, RESHARD, KEY_COUNT).stream()
            .collect(Collectors.toUnmodifiableMap(PeerOperation::name, op -> op));

    private final String name;
    private final String path;
    private final Duration timeout;
    private final Function<Q, ObjectNode> requestEncoder;
    private final Function<JsonNode, Q> requestDecoder;
    private final Function<A, ObjectNode> answerEncoder;
    private final Function<JsonNode, A> answerDecoder;
    private final BiFunction<PeerHandler, Q, A> handler;

    private PeerOperation(String name, Duration timeout, Function<Q, ObjectNode> requestEncoder,
                          Function<JsonNode, Q> requestDecoder, Function<A, ObjectNode> answerEncoder,
                          Function<JsonNode, A> answerDecoder, BiFunction<PeerHandler, Q, A> handler) {
        this.name = name;
        this.path = "/internal/" + name;
        this.timeout = timeout;
        this.requestEncoder = requestEncoder;
        this.requestDecoder = requestDecoder;
        this.answerEncoder = answerEncoder;
        this.answerDecoder = answerDecoder;
        this.handler = handler;
    }

    /** The operation served at {@code /internal/<name>}, if there is one. */
    public static Optional<PeerOperation<?, ?>> named(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    public String name() {
        return name;
    }

    public String path() {
        return path;
    }

    /** How long a sender waits for the answer, connection included, unless the call says otherwise. */
    public Duration timeout() {
        return timeout;
    }

    public ObjectNode encodeRequest(Q request) {
        return requestEncoder.apply(request);
    }

    public A decodeAnswer(JsonNode json) {
        return answerDecoder.apply(json);
    }

    /** Has {@code receiver} take the request as it is, with no encoding: an in-memory network's delivery. */
    public A handle(PeerHandler receiver, Q request) {
        return handler.apply(receiver, request);
    }

    /** The receiving side: decodes the request, has {@code receiver} take it, encodes its answer. */
    public ObjectNode serve(PeerHandler receiver, JsonNode request) {
        return answerEncoder.apply(handler.apply(receiver, requestDecoder.apply(request)));
    }

    @Override
    public String toString() {
        return name;
    }

    private static ObjectNode object() {
        return Wire.MAPPER.createObjectNode();
    }

    private static NodeAddress address(JsonNode json, String field) {
        return NodeAddress.parse(json.get(field).asText());
    }

    /** A heartbeat's cluster id, {@code "cluster"} and {@code "settled"} (absent: said nothing). */
    /** {@code "map"} when there is one, and {@code "digest"} (a peer that sent none reads as 0). */
    private static ObjectNode withMap(ObjectNode body, ClusterMap map, long digest) {
        if (map != null) {
            body.set("map", Wire.map(map));
        }
        return body.put("digest", digest);
    }

    private static ClusterMap mapOf(JsonNode json) {
        return json.has("map") ? Wire.decodeMap(json.get("map")) : null;
    }

    private static long digestOf(JsonNode json) {
        JsonNode digest = json.get("digest");
        if (digest == null) {
            return 0;
        }
        if (!digest.isIntegralNumber() || !digest.canConvertToLong()) {
            throw new IllegalArgumentException("digest must be a 64-bit integer");
        }
        return digest.asLong();
    }

    private static ObjectNode withCluster(ObjectNode body, ClusterIdentity.Id cluster) {
        if (!cluster.id().isEmpty()) {
            body.put("cluster", cluster.id()).put("settled", cluster.settled());
        }
        return body;
    }

    private static ClusterIdentity.Id cluster(JsonNode json) {
        JsonNode id = json.get("cluster");
        return id == null || !id.isTextual() ? ClusterIdentity.Id.UNKNOWN
                : new ClusterIdentity.Id(id.asText(), json.path("settled").asBoolean(false));
    }
}
