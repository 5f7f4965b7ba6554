package io.causalkv.api.common;

import com.fasterxml.jackson.databind.JsonNode;
import io.causalkv.node.Dialect;

/** The {@code shard-count} of a reshard request (API.md 6.7, 7.4). */
public final class ShardCountField {

    public static final String MISSING_OR_INVALID = "Missing or invalid shard-count";

    private ShardCountField() {
    }

    /**
     * The count in the body, or a 400 in the dialect's family (malformed JSON; a count that is
     * absent, not an integer, or below 1). A count beyond int range is returned as
     * {@link Integer#MAX_VALUE}: it can never have enough nodes.
     */
    public static int require(RequestBody body, Dialect dialect, String method) {
        if (body.isMalformed()) {
            throw new ApiException(400, ErrorBodies.of(dialect, ErrorBodies.MALFORMED_BODY, method));
        }
        JsonNode count = body.field("shard-count").orElse(null);
        if (count == null || !count.isIntegralNumber() || count.bigIntegerValue().signum() < 1) {
            throw new ApiException(400, ErrorBodies.of(dialect, MISSING_OR_INVALID, method));
        }
        return count.canConvertToInt() ? count.intValue() : Integer.MAX_VALUE;
    }
}
