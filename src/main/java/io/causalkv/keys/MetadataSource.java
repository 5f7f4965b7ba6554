package io.causalkv.keys;

import io.causalkv.causal.CausalContext;

/**
 * The client's causal metadata, decoded only when validation reaches it (API.md 4.3: key and
 * value are checked first). Throws {@link IllegalArgumentException} for metadata that is not ours.
 */
@FunctionalInterface
public interface MetadataSource {

    MetadataSource NONE = () -> CausalContext.EMPTY;

    CausalContext decode();
}
