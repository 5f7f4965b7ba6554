package io.causalkv.api.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.causalkv.testing.EmbeddedNode;
import io.causalkv.testing.Http;
import io.causalkv.transport.PeerRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A request from another node read after its sender gave up on it is refused, and nothing is applied. */
class ExpiredPeerRequestTest {

    @Test
    void aWriteReadAfterItsDeadlineIsRefusedAndNotApplied() throws Exception {
        try (EmbeddedNode node = EmbeddedNode.start(Map.of())) {
            String late = Long.toString(System.currentTimeMillis() - 50);
            Http.Reply refused = Http.send("PUT", node.url("/kvs/k"), "{\"value\":1}", Map.of(PeerRequest.DEADLINE_HEADER, late));
            assertEquals(503, refused.status());
            assertEquals("Request expired", refused.json().get("error").asText());
            assertEquals(404, Http.send("GET", node.url("/kvs/k")).status(), "the expired write was not applied");

            String inTime = Long.toString(System.currentTimeMillis() + 5_000);
            assertEquals(201, Http.send("PUT", node.url("/kvs/k"), "{\"value\":1}", Map.of(PeerRequest.DEADLINE_HEADER, inTime)).status());
            assertEquals(200, Http.send("PUT", node.url("/kvs/k"), "{\"value\":2}", Map.of(PeerRequest.DEADLINE_HEADER, "soon")).status(),
                    "a header that is not a node's is ignored");
        }
    }
}
