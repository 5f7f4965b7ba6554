package io.causalkv.api.common;

import io.causalkv.cluster.NodeAddress;
import io.causalkv.node.Dialect;
import java.util.Optional;

/** The {@code socket-address} of view and membership requests (API.md 6.6, 7.3). */
public final class SocketAddressField {

    public static final String MISSING_OR_INVALID = "Missing or invalid socket-address";

    private SocketAddressField() {
    }

    /** The address in the body, or a 400 in the dialect's family (malformed JSON, or a missing/invalid field). */
    public static NodeAddress require(RequestBody body, Dialect dialect, String method) {
        if (body.isMalformed()) {
            throw new ApiException(400, ErrorBodies.of(dialect, ErrorBodies.MALFORMED_BODY, method));
        }
        return body.field("socket-address")
                .filter(node -> node.isTextual())
                .map(node -> NodeAddress.tryParse(node.asText()))
                .or(Optional::empty)
                .orElseThrow(() -> new ApiException(400, ErrorBodies.of(dialect, MISSING_OR_INVALID, method)));
    }
}
