package io.causalkv.sharding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalkv.cluster.HashRing;
import io.causalkv.testing.Await;
import io.causalkv.testing.Cluster;
import io.causalkv.testing.Http;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * A {@code kvs} client session against a test cluster: it carries its causal metadata from one
 * answer to the next, as API.md 4.4 asks of clients, and retries a 503 the way API.md 10.2's
 * client does.
 */
final class ShardedClient {

    private final Cluster cluster;
    private String metadata = "null";

    ShardedClient(Cluster cluster) {
        this.cluster = cluster;
    }

    String metadata() {
        return metadata;
    }

    Http.Reply put(int node, String key, String valueJson) {
        Http.Reply reply = retrying(() -> Http.send("PUT", cluster.url(node, "/kvs/" + key),
                "{\"value\":" + valueJson + ",\"causal-metadata\":" + metadata + "}"));
        remember(reply);
        return reply;
    }

    Http.Reply get(int node, String key) {
        Http.Reply reply = retrying(() -> get(cluster, node, key, metadata));
        remember(reply);
        return reply;
    }

    static Http.Reply get(Cluster cluster, int node, String key, String metadata) {
        return Http.send("GET", cluster.url(node, "/kvs/" + key), "{\"causal-metadata\":" + metadata + "}");
    }

    private void remember(Http.Reply reply) {
        if (reply.status() < 500 && reply.body().contains("causal-metadata")) {
            metadata = reply.json().get("causal-metadata").toString();
        }
    }

    /** 503s retried 7 times, waiting 10 ms x 2^n (1.3 s in all), as API.md 10.2's client does. */
    static Http.Reply retrying(Supplier<Http.Reply> request) {
        Http.Reply reply = request.get();
        for (int attempt = 0; attempt < 7 && reply.status() == 503; attempt++) {
            Await.elapse(Duration.ofMillis(10L << attempt));
            reply = request.get();
        }
        return reply;
    }

    /** The first key named {@code prefix<n>} that a layout of 2 shards puts in {@code shard}. */
    static String keyIn(int shard, String prefix) {
        for (int n = 0; n < 10_000; n++) {
            if (HashRing.of(2).shardOf(prefix + n) == shard) {
                return prefix + n;
            }
        }
        throw new AssertionError("no key " + prefix + "<n> in shard " + shard);
    }

    // ---- cluster state as node i reports it ---------------------------------------------------

    static List<Integer> shardIds(Cluster cluster, int node) {
        List<Integer> ids = new ArrayList<>();
        Http.send("GET", cluster.url(node, "/shard/ids")).json().get("shard-ids").forEach(id -> ids.add(id.intValue()));
        return ids;
    }

    static List<String> members(Cluster cluster, int node, int shard) {
        List<String> members = new ArrayList<>();
        Http.Reply reply = Http.send("GET", cluster.url(node, "/shard/members/" + shard));
        assertEquals(200, reply.status(), reply.body());
        reply.json().get("shard-members").forEach(a -> members.add(a.asText()));
        return members;
    }

    static JsonNode nodeShardId(Cluster cluster, int node) {
        return Http.send("GET", cluster.url(node, "/shard/node-shard-id")).json().get("node-shard-id");
    }

    static int keyCount(Cluster cluster, int node, int shard) {
        Http.Reply reply = Http.send("GET", cluster.url(node, "/shard/key-count/" + shard));
        assertEquals(200, reply.status(), reply.body());
        return reply.json().get("shard-key-count").intValue();
    }

    static List<String> view(Cluster cluster, int node) {
        List<String> view = new ArrayList<>();
        Http.send("GET", cluster.url(node, "/view")).json().get("view").forEach(a -> view.add(a.asText()));
        return view;
    }
}
