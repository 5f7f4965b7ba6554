package io.causalkv.api.admin;

import io.causalkv.api.common.ErrorBodies;
import io.causalkv.api.common.Json;
import io.causalkv.cluster.ClusterMap;
import io.causalkv.node.Backup;
import io.causalkv.node.Node;
import io.causalkv.node.ShardRequestRejected;
import io.causalkv.replication.StateDelta;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /admin/api/backup} (issue 18): every live key of the cluster, one line each, as
 * {@code <key, percent-encoded>\t{"value":<value>}}: a path and a body for {@code PUT /kvs/<key>},
 * which is how {@code bin/cluster restore} writes them into another cluster, whatever its
 * addresses and layout. A first line says what was backed up, a last line how many keys (a file
 * cut short has none). Every shard is read before the answer starts: 503 "Shard unavailable" if
 * one cannot be.
 */
@Path("admin/api/backup")
public final class BackupResource {

    static final int FORMAT = 1;

    @Inject
    private Node node;

    @GET
    public Response backup() {
        List<StateDelta.KeyedEntry> entries = new ArrayList<>();
        String header;
        if (node.inCluster()) {
            Backup backup = node.backup();
            ClusterMap map = backup.map();
            try {
                for (int shard : map.shardIds()) {
                    entries.addAll(backup.entriesOf(shard));
                }
            } catch (ShardRequestRejected unavailable) {
                return Json.response(503, ErrorBodies.of(java.util.Optional.empty(), "Shard unavailable", "GET"));
            }
            String cluster = node.cluster().map(c -> c.membership().identity().current().id()).orElse("");
            header = "# causalkv backup " + FORMAT + ": cluster " + cluster + ", layout epoch " + map.layout().epoch() + ", "
                    + map.shardIds().size() + " shards, taken " + Instant.now();
        } else {
            entries.addAll(node.standaloneEntries());
            header = "# causalkv backup " + FORMAT + ": a standalone node, taken " + Instant.now();
        }
        List<StateDelta.KeyedEntry> live = entries.stream().filter(e -> e.entry().isLive()).toList();
        StreamingOutput body = out -> {
            BufferedWriter writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            writer.write(header);
            writer.write('\n');
            for (StateDelta.KeyedEntry keyed : live) {
                writer.write(percentEncoded(keyed.key()));
                writer.write("\t{\"value\":");
                writer.write(keyed.entry().value());
                writer.write("}\n");
            }
            writer.write("# end: " + live.size() + " keys\n");
            writer.flush();
        };
        return Response.ok(body, "text/plain; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"causalkv-backup.tsv\"")
                .header("X-Content-Type-Options", "nosniff")
                .build();
    }

    /** Every byte of the key's UTF-8 but the unreserved characters as %XX: one path segment, one line. */
    static String percentEncoded(String key) {
        StringBuilder encoded = new StringBuilder();
        // "." and ".." would be dot segments, which a client collapses: encoded, every dot of them.
        boolean dotsOnly = key.chars().allMatch(c -> c == '.');
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || (c == '.' && !dotsOnly)
                    || c == '_' || c == '~') {
                encoded.append(c);
            } else {
                encoded.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return encoded.toString();
    }
}
