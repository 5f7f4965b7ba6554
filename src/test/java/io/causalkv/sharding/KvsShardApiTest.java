package io.causalkv.sharding;

import static io.causalkv.testing.ApiAssertions.assertJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalkv.cluster.HashRing;
import io.causalkv.testing.Await;
import io.causalkv.testing.Cluster;
import io.causalkv.testing.Http;
import io.causalkv.transport.FaultyHttpTransport;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every row of API.md 6.7's table against a running sharded cluster (4 nodes in 2 shards, plus a
 * fifth node that joined unassigned), the exact bodies of proxied key requests (6.5), and the
 * admin JSON. The cluster is shared: these tests change nothing, or change it idempotently.
 */
class KvsShardApiTest {

    private static final String NO_SHARD = "{\"error\":\"Shard does not exist\"}";
    private static final String BAD_ADDRESS = "{\"error\":\"Missing or invalid socket-address\"}";
    private static final String BAD_COUNT = "{\"error\":\"Missing or invalid shard-count\"}";
    private static final String NOT_ENOUGH = "{\"error\":\"Not enough nodes to provide fault tolerance with requested shard count\"}";

    private static Cluster cluster;
    private static int unassigned;

    @BeforeAll
    static void start() throws Exception {
        cluster = Cluster.start(4, FaultyHttpTransport::new, Map.of("SHARD_COUNT", "2"));
        unassigned = cluster.addNodeWithout("SHARD_COUNT");
        for (int i = 0; i < cluster.size(); i++) {
            int node = i;
            Await.until(Duration.ofSeconds(5), "node " + node + " sees all five nodes",
                    () -> ShardedClient.view(cluster, node).size() == 5);
        }
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static Http.Reply send(int node, String method, String path) {
        return Http.send(method, cluster.url(node, path));
    }

    private static Http.Reply send(int node, String method, String path, String body) {
        return Http.send(method, cluster.url(node, path), body);
    }

    @Test
    void idsAndNodeShardIdsAreIntegersAndAnUnassignedNodeHasNone() {
        for (int i = 0; i < cluster.size(); i++) {
            assertJson(send(i, "GET", "/shard/ids"), 200, "{\"shard-ids\":[1,2]}");
        }
        assertJson(send(0, "GET", "/shard/node-shard-id"), 200, "{\"node-shard-id\":1}");
        assertJson(send(1, "GET", "/shard/node-shard-id"), 200, "{\"node-shard-id\":2}");
        assertJson(send(unassigned, "GET", "/shard/node-shard-id"), 200, "{\"node-shard-id\":null}");
    }

    @Test
    void membersInClusterOrderAndTheUnassignedNodeInNoShard() {
        List<String> a = cluster.addresses();
        assertJson(send(unassigned, "GET", "/shard/members/1"), 200,
                "{\"shard-members\":[\"" + a.get(0) + "\",\"" + a.get(2) + "\"]}");
        assertJson(send(3, "GET", "/shard/members/2"), 200,
                "{\"shard-members\":[\"" + a.get(1) + "\",\"" + a.get(3) + "\"]}");
    }

    @ParameterizedTest
    @ValueSource(strings = {"3", "0", "-1", "01", "abc", "1.0", "99999999999"})
    void aShardThatDoesNotExistIs404(String id) {
        assertJson(send(0, "GET", "/shard/members/" + id), 404, NO_SHARD);
        assertJson(send(0, "GET", "/shard/key-count/" + id), 404, NO_SHARD);
        assertJson(send(0, "PUT", "/shard/add-member/" + id, "{\"socket-address\":\"" + cluster.address(unassigned) + "\"}"),
                404, NO_SHARD);
    }

    @Test
    void keyCountsAreAnsweredByAnyNodeAndAddUp() {
        ShardedClient client = new ShardedClient(cluster);
        for (int i = 0; i < 20; i++) {
            assertEquals(201, client.put(i % cluster.size(), "count" + i, Integer.toString(i)).status());
        }
        Await.until(Duration.ofSeconds(5), "every node, the unassigned one included, counts the same", () -> {
            Set<String> answers = new HashSet<>();
            for (int i = 0; i < cluster.size(); i++) {
                answers.add(send(i, "GET", "/shard/key-count/1").body() + send(i, "GET", "/shard/key-count/2").body());
            }
            return answers.size() == 1;
        });
        int one = send(unassigned, "GET", "/shard/key-count/1").json().get("shard-key-count").intValue();
        int two = send(unassigned, "GET", "/shard/key-count/2").json().get("shard-key-count").intValue();
        long expected = java.util.stream.IntStream.range(0, 20).filter(i -> HashRing.of(2).shardOf("count" + i) == 1).count();
        assertEquals(expected, one, "shard 1 holds exactly the keys the ring gives it");
        assertTrue(one + two >= 20, "the counts include every key written here");
    }

    @Test
    void addMemberRefusals() {
        String other = cluster.address(1); // in shard 2
        assertJson(send(0, "PUT", "/shard/add-member/1", "{\"socket-address\":\"" + other + "\"}"), 400,
                "{\"error\":\"Node already belongs to another shard\"}");
        assertJson(send(0, "PUT", "/shard/add-member/1", "{\"socket-address\":\"10.9.9.9:8090\"}"), 404,
                "{\"error\":\"Node is not in the view\"}");
        assertJson(send(0, "PUT", "/shard/add-member/1", "{\"socket-address\":\"" + cluster.address(0) + "\"}"), 200,
                "{\"result\":\"node added to shard\"}"); // already a member: idempotent
        for (String body : List.of("{}", "{\"socket-address\":12}", "{\"socket-address\":\"nohost\"}", "{\"socket-address\":null}")) {
            assertJson(send(0, "PUT", "/shard/add-member/1", body), 400, BAD_ADDRESS);
        }
        assertJson(send(0, "PUT", "/shard/add-member/1"), 400, BAD_ADDRESS);
        assertJson(send(0, "PUT", "/shard/add-member/1", "{\"socket-address\":"), 400, "{\"error\":\"Malformed JSON body\"}");
        assertJson(send(0, "GET", "/shard/node-shard-id"), 200, "{\"node-shard-id\":1}");
    }

    @Test
    void reshardRefusalsChangeNothing() {
        for (String body : List.of("{}", "{\"shard-count\":\"2\"}", "{\"shard-count\":0}", "{\"shard-count\":-1}",
                "{\"shard-count\":1.5}", "{\"shard-count\":null}", "{\"shard-count\":true}")) {
            assertJson(send(2, "PUT", "/shard/reshard", body), 400, BAD_COUNT);
        }
        assertJson(send(2, "PUT", "/shard/reshard"), 400, BAD_COUNT);
        assertJson(send(2, "PUT", "/shard/reshard", "[1]"), 400, "{\"error\":\"Malformed JSON body\"}");
        assertJson(send(2, "PUT", "/shard/reshard", "{\"shard-count\":3}"), 400, NOT_ENOUGH); // 5 nodes < 2 x 3
        assertJson(send(2, "PUT", "/shard/reshard", "{\"shard-count\":123456789012345678901234567890}"), 400, NOT_ENOUGH);
        for (int i = 0; i < cluster.size(); i++) {
            assertJson(send(i, "GET", "/shard/ids"), 200, "{\"shard-ids\":[1,2]}");
        }
        Http.Reply wrongMethod = send(2, "GET", "/shard/reshard");
        assertEquals(405, wrongMethod.status());
        assertTrue(wrongMethod.allow().contains("PUT"), wrongMethod.allow());
    }

    @Test
    void aProxiedRequestAnswersExactlyAsTheOwnerDoes() {
        String key = ShardedClient.keyIn(2, "proxied");
        Http.Reply created = send(0, "PUT", "/kvs/" + key, "{\"value\":{\"n\":[1,2.50]},\"causal-metadata\":null}");
        assertEquals(201, created.status(), created.body());
        assertEquals(Set.of("result", "causal-metadata"), fields(created.json()));
        String metadata = created.json().get("causal-metadata").toString();
        Http.Reply read = send(unassigned, "GET", "/kvs/" + key, "{\"causal-metadata\":" + metadata + "}");
        assertJson(read, 200, "{\"result\":\"found\",\"value\":{\"n\":[1,2.50]},\"causal-metadata\":" + metadata + "}");
        Http.Reply missing = send(0, "GET", "/kvs/" + ShardedClient.keyIn(2, "absent"), "{\"causal-metadata\":" + metadata + "}");
        assertJson(missing, 404, "{\"error\":\"Key does not exist\",\"causal-metadata\":" + metadata + "}");
        // Validation happens at the receiving node, before routing (API.md 4.3).
        assertJson(send(0, "PUT", "/kvs/" + key, "{}"), 400, "{\"error\":\"PUT request does not specify a value\"}");
        assertJson(send(0, "PUT", "/kvs/" + key, "{\"value\":1,\"causal-metadata\":7}"), 400, "{\"error\":\"Invalid causal metadata\"}");
    }

    @Test
    void theAdminJsonShowsShardsMembersStatesAndCounts() {
        List<String> a = cluster.addresses();
        JsonNode admin = Await.value(Duration.ofSeconds(5), "admin JSON with every key count known",
                () -> send(unassigned, "GET", "/admin/api/cluster").json(),
                json -> json.get("nodes").size() == 5 && json.get("shards").get(0).get("keys").isInt());
        assertEquals(a, toList(admin.get("view")));
        assertEquals(List.of(a.get(0), a.get(2)), toList(admin.get("shards").get(0).get("members")));
        assertEquals(List.of(a.get(1), a.get(3)), toList(admin.get("shards").get(1).get("members")));
        for (JsonNode node : admin.get("nodes")) {
            boolean isUnassigned = node.get("address").asText().equals(cluster.address(unassigned));
            assertEquals(isUnassigned ? "unassigned" : "up", node.get("state").asText(), node.toString());
            assertEquals(isUnassigned, node.get("shard").isNull(), node.toString());
        }
        assertTrue(admin.get("epoch").isIntegralNumber());
    }


    private static Set<String> fields(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void metricsCountThePeersByState() {
        Await.until(Duration.ofSeconds(5), "node 0 sees 3 peers up and 1 unassigned", () -> {
            String metrics = send(0, "GET", "/metrics").body();
            return metrics.contains("causalkv_peers{state=\"up\"} 3") && metrics.contains("causalkv_peers{state=\"unassigned\"} 1");
        });
    }

    private static List<String> toList(JsonNode array) {
        List<String> list = new java.util.ArrayList<>();
        array.forEach(n -> list.add(n.asText()));
        return list;
    }
}
