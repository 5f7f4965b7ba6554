package io.causalkv.api.common;

import java.util.OptionalInt;

/** A shard id as it appears in paths: its decimal text (API.md 9.1). */
public final class ShardIdText {

    private ShardIdText() {
    }

    /** The id, or empty when the text is not a positive decimal integer without leading zeros. */
    public static OptionalInt parse(String text) {
        if (text == null || !text.matches("[1-9][0-9]{0,8}")) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(Integer.parseInt(text));
    }
}
