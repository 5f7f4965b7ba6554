package io.causalkv.faults.netns;

import io.causalkv.testing.Http;
import io.causalkv.testing.Nodes;

/** The kvs dialect's key requests, as a client carrying causal metadata makes them. */
final class Kvs {

    private Kvs() {
    }

    /** {@code value} is JSON text (a quoted string or a number); {@code metadata} JSON text or {@code null}. */
    static Http.Reply put(Nodes nodes, int node, String key, String value, String metadata) {
        return Http.send("PUT", nodes.url(node, "/kvs/" + key), "{\"value\":" + value + ",\"causal-metadata\":" + metadata + "}");
    }

    static Http.Reply get(Nodes nodes, int node, String key, String metadata) {
        return Http.send("GET", nodes.url(node, "/kvs/" + key), "{\"causal-metadata\":" + metadata + "}");
    }

    static Http.Reply delete(Nodes nodes, int node, String key, String metadata) {
        return Http.send("DELETE", nodes.url(node, "/kvs/" + key), "{\"causal-metadata\":" + metadata + "}");
    }

    static String metadata(Http.Reply reply) {
        return reply.json().get("causal-metadata").toString();
    }
}
