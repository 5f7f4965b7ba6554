package io.causalkv.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalkv.causal.CausalContext;
import io.causalkv.causal.VectorClock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Client-facing causal metadata (API.md 4.4): deterministic, "no history" forms, strict decoding. */
class CausalMetadataCodecTest {

    private static JsonNode json(String text) throws Exception {
        return Wire.MAPPER.readTree(text);
    }

    @Test
    void equalHistoriesSerializeToIdenticalBytesWhateverTheirConstructionOrder() throws Exception {
        Map<String, Long> forwards = new LinkedHashMap<>();
        forwards.put("10.0.0.1:8090@a", 3L);
        forwards.put("10.0.0.2:8090@b", 1L);
        Map<String, Long> backwards = new LinkedHashMap<>();
        backwards.put("10.0.0.2:8090@b", 1L);
        backwards.put("10.0.0.1:8090@a", 3L);
        backwards.put("10.0.0.3:8090@c", 0L);
        String one = Wire.compact(Wire.context(CausalContext.of(1, Map.of(2, VectorClock.of(forwards), 1, VectorClock.of(Map.of("x", 1L))))));
        String two = Wire.compact(Wire.context(CausalContext.of(1, Map.of(1, VectorClock.of(Map.of("x", 1L)), 2, VectorClock.of(backwards)))));
        assertEquals(one, two);
        assertEquals("{\"e\":1,\"s\":{\"1\":{\"x\":1},\"2\":{\"10.0.0.1:8090@a\":3,\"10.0.0.2:8090@b\":1}}}", one);
    }

    @Test
    void decodedReplicaIdsAreOneSharedStringEach() throws Exception {
        // Issue 17 item 5: every decoded write and clock made its own copy of each replica id,
        // and a replica kept one per stored key.
        String id = "10.0.0.1:8090@" + "shared";
        JsonNode write = json("{\"k\":\"a\",\"v\":1,\"r\":\"" + id + "\",\"q\":1,\"l\":1}");
        String first = Wire.decodeWrite(write).dot().replica();
        String second = Wire.decodeWrite(json(write.toString())).dot().replica();
        assertSame(first, second);
        String inClock = Wire.decodeClock(json("{\"" + id + "\":3}")).entries().keySet().iterator().next();
        assertSame(first, inClock);
    }

    @Test
    void noHistoryIsTheEmptyObject() {
        assertEquals("{}", Wire.compact(Wire.context(CausalContext.EMPTY)));
        assertEquals("{}", Wire.compact(Wire.context(CausalContext.of(3, Map.of(1, VectorClock.EMPTY)))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"null", "\"\"", "{}"})
    void everyNoHistoryFormDecodesToTheEmptyContext(String text) throws Exception {
        assertSame(CausalContext.EMPTY, Wire.decodeContext(json(text)));
    }

    @Test
    void anAbsentFieldIsNoHistory() {
        assertSame(CausalContext.EMPTY, Wire.decodeContext(null));
    }

    @Test
    void decodingWhatWasEncodedGivesTheSameContext() throws Exception {
        CausalContext context = CausalContext.of(4, Map.of(1, VectorClock.of(Map.of("a@1", 7L, "b@2", 2L)), 3, VectorClock.of(Map.of("c@3", 1L))));
        assertEquals(context, Wire.decodeContext(json(Wire.compact(Wire.context(context)))));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "5", "\"abc\"", "[]", "[1]", "true", "{\"x\":1}", "{\"e\":1}", "{\"s\":{}}",
            "{\"e\":-1,\"s\":{}}", "{\"e\":1.5,\"s\":{}}", "{\"e\":\"1\",\"s\":{}}", "{\"e\":1,\"s\":[]}",
            "{\"e\":1,\"s\":{\"0\":{\"a\":1}}}", "{\"e\":1,\"s\":{\"x\":{\"a\":1}}}", "{\"e\":1,\"s\":{\"1\":{\"a\":0}}}",
            "{\"e\":1,\"s\":{\"1\":{\"a\":-3}}}", "{\"e\":1,\"s\":{\"1\":{\"a\":\"3\"}}}", "{\"e\":1,\"s\":{\"1\":[]}}",
            "{\"e\":1,\"s\":{\"1\":{\"a\":99999999999999999999999}}}", "{\"e\":1,\"s\":{},\"extra\":0}",
    })
    void anythingElseIsInvalid(String text) throws Exception {
        JsonNode node = json(text);
        assertThrows(IllegalArgumentException.class, () -> Wire.decodeContext(node));
    }
}
