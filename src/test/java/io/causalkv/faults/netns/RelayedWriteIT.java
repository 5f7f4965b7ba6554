package io.causalkv.faults.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.faults.Replicas;
import io.causalkv.testing.Await;
import io.causalkv.testing.Http;
import io.causalkv.testing.netns.NetnsCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A write relayed to another shard takes effect at most once, however slow the member it first
 * went to: six nodes in two shards; the member a relay tries first is paused (SIGSTOP) while a
 * client writes a new key through a node of the other shard, and resumed later. The client's
 * answer is 201 (or 503 when no member could be asked safely), never 200 "replaced"; after the
 * resume, the members of the shard together answered the relayed write with success once.
 */
class RelayedWriteIT {

    private static final Pattern KVS_PUT = Pattern.compile(
            "causalkv_requests_seconds_count\\{dialect=\"kvs\",method=\"PUT\",status=\"(\\d+)\"}\\s+([0-9.E]+)");

    @BeforeAll
    static void namespaces() {
        NetnsCluster.assumeAvailable();
    }

    @Test
    void aRelayedWriteTakesEffectOnceWhenTheFirstMemberIsSlow() throws Exception {
        try (NetnsCluster cluster = NetnsCluster.start("relayed-write", 6, Map.of("SHARD_COUNT", "2"))) {
            Replicas.Layout layout = Await.value(Duration.ofSeconds(10), "the nodes agree on the layout",
                    () -> Replicas.agreedLayout(cluster), l -> l != null && l.members().size() == 6);
            int shard = layout.shards().keySet().iterator().next();
            List<String> members = layout.shards().get(shard);
            int first = cluster.indexes().stream().filter(i -> cluster.address(i).equals(members.get(0))).findFirst().orElseThrow();
            int relay = cluster.indexes().stream().filter(i -> !members.contains(cluster.address(i))).findFirst().orElseThrow();
            String key = null;
            for (int n = 0; key == null; n++) {
                key = layout.shardOf("fresh" + n) == shard ? "fresh" + n : null;
            }
            double before = putAnswers(cluster, members, true);
            double firstAnswered = putAnswers(cluster, List.of(cluster.address(first)), false);

            cluster.pause(first);
            Http.Reply put;
            try {
                put = Kvs.put(cluster, relay, key, "\"once\"", "null");
            } finally {
                cluster.resume(first);
            }
            assertTrue(put.status() == 201 || put.status() == 503, "a new key's write answered " + put.status() + " " + put.body());
            // The resumed member reads the write that waited in its socket, and answers it (applied
            // or refused): its metrics count one more PUT.
            Await.until(Duration.ofSeconds(10), "the resumed member answers the relayed write it was sent",
                    () -> putAnswers(cluster, List.of(cluster.address(first)), false) > firstAnswered);
            double applied = putAnswers(cluster, members, true) - before;
            assertEquals(put.status() == 201 ? 1 : 0, applied, 0.0,
                    "members of the shard answering the relayed write with success (client got " + put.status() + ")");
            if (put.status() == 201) {
                String metadata = Kvs.metadata(put);
                for (String member : members) {
                    int i = cluster.indexes().stream().filter(n -> cluster.address(n).equals(member)).findFirst().orElseThrow();
                    String k = key;
                    Await.until(Duration.ofSeconds(5), member + " serves the write with the client's metadata", () -> {
                        Http.Reply get = Kvs.get(cluster, i, k, metadata);
                        return get.status() == 200 && Kvs.metadata(get).equals(metadata);
                    });
                }
            }
        }
    }

    /** The kvs PUTs these nodes answered (only with 200 or 201 when {@code successOnly}), from their metrics. */
    private static double putAnswers(NetnsCluster cluster, List<String> nodes, boolean successOnly) {
        double sum = 0;
        for (int i : cluster.indexes()) {
            if (!nodes.contains(cluster.address(i))) {
                continue;
            }
            Http.Reply metrics = Http.send("GET", cluster.url(i, "/metrics"));
            assertEquals(200, metrics.status());
            Matcher m = KVS_PUT.matcher(metrics.body());
            while (m.find()) {
                if (!successOnly || m.group(1).equals("200") || m.group(1).equals("201")) {
                    sum += Double.parseDouble(m.group(2));
                }
            }
        }
        return sum;
    }
}
