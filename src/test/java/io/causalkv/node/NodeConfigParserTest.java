package io.causalkv.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.cluster.NodeAddress;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NodeConfigParserTest {

    private static NodeConfig parse(String... pairs) {
        Map<String, String> settings = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            settings.put(pairs[i], pairs[i + 1]);
        }
        return NodeConfigParser.parse(settings::get);
    }

    @Test
    void noSettingsIsAStandaloneNodeOnPort8090WithTheDefaultDialects() {
        NodeConfig config = parse();
        assertEquals(NodeMode.STANDALONE, config.mode());
        assertEquals(8090, config.listenPort());
        assertEquals(EnumSet.of(Dialect.HELLO, Dialect.KVS, Dialect.KEY_VALUE_STORE), config.dialects());
        assertEquals(2, config.writeAcks());
        assertEquals(NodeConfig.Membership.NONE, config.membership());
    }

    @Test
    void forwardingAddressMakesAForwardingNodeAndEmptyMeansNone() {
        assertEquals(NodeMode.FORWARDING, parse("FORWARDING_ADDRESS", "10.0.0.2:8090").mode());
        assertEquals(NodeMode.FORWARDING,
                parse("FORWARDING_ADDRESS", "10.0.0.2:8090", "SOCKET_ADDRESS", "10.0.0.3:8090").mode());
        assertEquals(NodeMode.STANDALONE, parse("FORWARDING_ADDRESS", "").mode());
    }

    @Test
    void socketAddressWinsOverAddressAndMeansAutomaticMembership() {
        NodeConfig config = parse("SOCKET_ADDRESS", "10.0.0.1:8085", "ADDRESS", "10.0.0.9:13800");
        assertEquals(Optional.of(NodeAddress.parse("10.0.0.1:8085")), config.address());
        assertEquals(NodeConfig.Membership.AUTOMATIC, config.membership());
        assertEquals(8085, config.listenPort());
        assertFalse(config.serves(Dialect.KVS_KEYS));
        assertEquals(NodeMode.CLUSTER, config.mode());
    }

    @Test
    void addressAloneMeansManualMembershipAndAddsKvsKeys() {
        NodeConfig config = parse("ADDRESS", "10.0.0.9:13800");
        assertEquals(NodeConfig.Membership.MANUAL, config.membership());
        assertTrue(config.serves(Dialect.KVS_KEYS));
        assertTrue(config.serves(Dialect.KVS));
    }

    @Test
    void replFactorAddsKvsKeys() {
        assertTrue(parse("SOCKET_ADDRESS", "10.0.0.1:8085", "VIEW", "10.0.0.1:8085,10.0.0.2:8085",
                "REPL_FACTOR", "2").serves(Dialect.KVS_KEYS));
    }

    @Test
    void kvsApiListsExactlyTheDialectsIgnoringWhitespace() {
        assertEquals(EnumSet.of(Dialect.KVS, Dialect.HELLO), parse("KVS_API", " kvs , hello ").dialects());
        assertEquals(EnumSet.of(Dialect.KVS), parse("KVS_API", "kvs", "ADDRESS", "10.0.0.1:1").dialects());
    }

    @Test
    void viewIgnoresWhitespaceEmptyEntriesAndDuplicatesAndKeepsOrder() {
        NodeConfig config = parse("VIEW", " 10.0.0.3:8085,, 10.0.0.1:8085 ,10.0.0.3:8085,");
        assertEquals(List.of(NodeAddress.parse("10.0.0.3:8085"), NodeAddress.parse("10.0.0.1:8085")), config.view());
    }

    @Test
    void hostNamesAreAcceptedForContainerDeployments() {
        assertEquals("node-0.causalkv:8090", parse("SOCKET_ADDRESS", "node-0.causalkv:8090").address().orElseThrow().toString());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "SHARD_COUNT|abc",
            "SHARD_COUNT|0",
            "SHARD_COUNT|-2",
            "REPL_FACTOR|1.5",
            "SOCKET_ADDRESS|10.0.0.1",
            "SOCKET_ADDRESS|10.0.0.1:",
            "SOCKET_ADDRESS|10.0.0.1:99999",
            "SOCKET_ADDRESS|10.0.0.1:80a",
            "ADDRESS|:8080",
            "FORWARDING_ADDRESS|main",
            "VIEW|10.0.0.1:8085,10.0.0.2",
            "KVS_API|kvs,nosuch",
            "KVS_WRITE_ACKS|3",
    })
    void aMalformedSettingIsRefusedWithAOneLineMessageNamingIt(String name, String value) {
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> parse(name, value));
        assertEquals(name, e.setting());
        assertTrue(e.getMessage().startsWith("invalid setting " + name + ": "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void shardCountAndReplFactorMustAgreeWithTheView() {
        String view = "10.0.0.1:1,10.0.0.2:1,10.0.0.3:1,10.0.0.4:1";
        assertEquals(Optional.of(2), parse("VIEW", view, "SHARD_COUNT", "2", "REPL_FACTOR", "2").shardCount());
        InvalidSettingException e = assertThrows(InvalidSettingException.class,
                () -> parse("VIEW", view, "SHARD_COUNT", "3", "REPL_FACTOR", "2"));
        assertEquals("SHARD_COUNT", e.setting());
    }

    @Test
    void writeAcksAcceptsOneAndTwo() {
        assertEquals(1, parse("KVS_WRITE_ACKS", "1").writeAcks());
        assertEquals(2, parse("KVS_WRITE_ACKS", "2").writeAcks());
    }

    @Test
    void aDataDirectoryIsOptionalAndFsyncsBeforeAcknowledgingByDefault() {
        assertEquals(Optional.empty(), parse().dataDir());
        NodeConfig config = parse("DATA_DIR", "target/some-node");
        assertEquals(Optional.of(java.nio.file.Path.of("target/some-node").toAbsolutePath()), config.dataDir());
        assertEquals(io.causalkv.durability.WriteAheadLog.Sync.BATCH, config.fsync());
        assertEquals(io.causalkv.durability.WriteAheadLog.Sync.INTERVAL, parse("KVS_FSYNC", "interval").fsync());
        assertEquals(io.causalkv.durability.WriteAheadLog.Sync.NONE, parse("KVS_FSYNC", "none").fsync());
        InvalidSettingException e = assertThrows(InvalidSettingException.class, () -> parse("KVS_FSYNC", "always"));
        assertTrue(e.getMessage().contains("expected batch, interval or none, got \"always\""), e.getMessage());
    }
}
