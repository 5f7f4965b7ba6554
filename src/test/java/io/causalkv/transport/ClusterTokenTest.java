package io.causalkv.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.node.InvalidSettingException;
import io.causalkv.node.NodeConfig;
import io.causalkv.node.NodeConfigParser;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterTokenTest {

    private static final String SECRET = "correct-horse-battery-staple";

    @Test
    void matchesOnlyTheExactSecret() {
        ClusterToken token = ClusterToken.of(SECRET);
        assertTrue(token.matches(SECRET));
        assertFalse(token.matches(SECRET + "x"));
        assertFalse(token.matches(SECRET.substring(1)));
        assertFalse(token.matches(""));
        assertFalse(token.matches(null));
    }

    @Test
    void withoutATokenEveryRequestIsAdmitted() {
        assertTrue(ClusterToken.admits(Optional.empty(), null));
        assertFalse(ClusterToken.admits(Optional.of(ClusterToken.of(SECRET)), null));
        assertTrue(ClusterToken.admits(Optional.of(ClusterToken.of(SECRET)), SECRET));
    }

    @Test
    void theSettingIsOptionalAndNeverShownInTheConfigOrItsErrors() {
        assertEquals(Optional.empty(), NodeConfigParser.parse(Map.<String, String>of()::get).clusterToken());
        NodeConfig config = NodeConfigParser.parse(Map.of("CLUSTER_TOKEN", " " + SECRET + "\n")::get);
        assertTrue(config.clusterToken().orElseThrow().matches(SECRET), "surrounding whitespace is not part of it");
        assertFalse(config.toString().contains(SECRET), config.toString());

        InvalidSettingException spaced = assertThrows(InvalidSettingException.class,
                () -> NodeConfigParser.parse(Map.of("CLUSTER_TOKEN", "two words-" + SECRET)::get));
        assertEquals("CLUSTER_TOKEN", spaced.setting());
        assertFalse(spaced.getMessage().contains(SECRET), spaced.getMessage());
        assertThrows(InvalidSettingException.class, () -> NodeConfigParser.parse(Map.of("CLUSTER_TOKEN", "tök")::get));
        assertThrows(InvalidSettingException.class,
                () -> NodeConfigParser.parse(Map.of("CLUSTER_TOKEN", "x".repeat(ClusterToken.MAX_LENGTH + 1))::get));
    }
}
