package io.causalkv.faults.netns;

import io.causalkv.testing.Http;
import io.causalkv.testing.Nodes;
import java.util.ArrayList;
import java.util.List;

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

    /** A node's view (kvs {@code GET /view}), empty when it does not answer 200. */
    static List<String> view(Nodes nodes, int node) {
        List<String> view = new ArrayList<>();
        Http.Reply reply = Http.send("GET", nodes.url(node, "/view"));
        if (reply.status() == 200) {
            reply.json().get("view").forEach(a -> view.add(a.asText()));
        }
        return view;
    }

    static String metadata(Http.Reply reply) {
        return reply.json().get("causal-metadata").toString();
    }
}
