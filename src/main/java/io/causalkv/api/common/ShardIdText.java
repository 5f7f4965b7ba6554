package io.causalkv.api.common;

import io.causalkv.cluster.ShardRef;
import java.util.OptionalInt;

/** A shard id as it appears in paths: its decimal text (API.md 9.1). */
public final class ShardIdText {

    private ShardIdText() {
    }

    /** The id, or empty when the text is not a positive decimal integer without leading zeros. */
    public static OptionalInt parse(String text) {
        return ShardRef.parseId(text);
    }
}
