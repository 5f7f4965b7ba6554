package io.causalkv.api.common;

import io.causalkv.keys.MetadataSource;
import io.causalkv.wire.Wire;

/** Reads a dialect's causal metadata field from a request body, decoded lazily by the node. */
public final class MetadataField {

    private MetadataField() {
    }

    /**
     * The field's metadata; an absent body or field is "no history" (API.md 4.4). A null field
     * name: the dialect carries no metadata (kvs-keys unreplicated mode), so none is read.
     */
    public static MetadataSource of(RequestBody body, String field) {
        if (field == null) {
            return MetadataSource.NONE;
        }
        return () -> Wire.decodeContext(body.object().map(o -> o.get(field)).orElse(null));
    }
}
