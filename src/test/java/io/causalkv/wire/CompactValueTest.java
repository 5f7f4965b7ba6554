package io.causalkv.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Stored values are compact JSON text that every answer and peer message can embed as UTF-8. */
class CompactValueTest {

    @Test
    void aLoneSurrogateStaysAnEscapeSoTheTextEncodesAsUtf8AndMeansTheSame() throws Exception {
        // Found by the fuzz test: {"value":"\ud800"} was stored with a raw lone surrogate, then
        // every GET of the key (500) and every anti-entropy sync of its shard failed to encode it.
        JsonNode value = Wire.MAPPER.readTree("{\"\\udc00k\":[\"a\\ud800\",\"\\ud800\\\\\\udc00\"]}");
        String text = Wire.compact(value);
        assertEquals("{\"\\udc00k\":[\"a\\ud800\",\"\\ud800\\\\\\udc00\"]}", text);
        assertEquals(value, Wire.MAPPER.readTree(text));
        byte[] embedded = Wire.MAPPER.writeValueAsBytes(Wire.MAPPER.createObjectNode().putRawValue("value", new RawValue(text)));
        assertEquals(value, Wire.MAPPER.readTree(embedded).get("value"));
    }

    @Test
    void pairedSurrogatesAndOtherTextAreKeptAsTheyAre() throws Exception {
        String text = "{\"s\":\"\u00e9\u65e5\ud83d\ude00\"}";
        assertEquals(text, Wire.compact(Wire.MAPPER.readTree(text.getBytes(StandardCharsets.UTF_8))));
    }
}
