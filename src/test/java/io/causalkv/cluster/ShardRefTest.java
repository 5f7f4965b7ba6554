package io.causalkv.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShardRefTest {

    @ParameterizedTest
    @ValueSource(strings = {"1", "2", "10", "999999999"})
    void aPositiveDecimalIsAShardId(String text) {
        assertEquals(OptionalInt.of(Integer.parseInt(text)), ShardRef.parseId(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "01", "-1", "+1", "1a", " 1", "1 ", "1.0", "1000000000", "١", "x"})
    void anythingElseIsNot(String text) {
        assertEquals(OptionalInt.empty(), ShardRef.parseId(text));
    }

    @org.junit.jupiter.api.Test
    void nullIsNot() {
        assertEquals(OptionalInt.empty(), ShardRef.parseId(null));
    }
}
