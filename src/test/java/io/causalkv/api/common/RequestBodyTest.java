package io.causalkv.api.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestBodyTest {

    private static RequestBody read(String text) {
        return RequestBody.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\n\t\r "})
    void absentEmptyOrWhitespaceBodyIsMissing(String text) {
        assertEquals(RequestBody.Kind.MISSING, read(text).kind());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{", "nope", "[1,2]", "\"text\"", "42", "null", "{\"a\":1} trailing", "{\"a\":1}{}"})
    void invalidJsonOrANonObjectIsMalformed(String text) {
        assertEquals(RequestBody.Kind.MALFORMED, read(text).kind());
    }

    @Test
    void invalidUtf8IsMalformed() {
        byte[] bytes = {'{', '"', 'v', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertEquals(RequestBody.Kind.MALFORMED, RequestBody.read(new ByteArrayInputStream(bytes)).kind());
    }

    @Test
    void nestingDeeperThanJacksonsLimitIsMalformedNotAStackOverflow() {
        String deep = "{\"value\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";
        assertEquals(RequestBody.Kind.MALFORMED, read(deep).kind());
    }

    @Test
    void anObjectKeepsItsFieldsAndNullFieldsCountAsAbsent() {
        RequestBody body = read("{\"value\":{\"n\":1.50,\"big\":123456789012345678901234567890},\"gone\":null}");
        assertEquals(RequestBody.Kind.OBJECT, body.kind());
        assertEquals("{\"n\":1.50,\"big\":123456789012345678901234567890}", Json.compact(body.field("value").orElseThrow()));
        assertEquals(true, body.field("gone").isEmpty());
        assertEquals(true, body.field("absent").isEmpty());
    }

    @Test
    void aBodyOfExactlyTheLimitIsReadAndOneByteMoreIsRefused() {
        String filler = "x".repeat(RequestBody.MAX_BYTES - "{\"value\":\"\"}".length());
        assertEquals(RequestBody.Kind.OBJECT, read("{\"value\":\"" + filler + "\"}").kind());
        assertThrows(RequestBody.BodyTooLargeException.class, () -> read("{\"value\":\"" + filler + "x\"}"));
    }
}
