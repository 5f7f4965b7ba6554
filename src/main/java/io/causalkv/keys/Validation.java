package io.causalkv.keys;

import io.causalkv.causal.CausalContext;

/**
 * Checks a key request in the order of API.md 4.3 (a GET's or DELETE's body, then a PUT's key
 * and value, then the metadata) and decodes its metadata. A refusal from below that knows no
 * context echoes the request's (8.2). A key too long to store needs no check on a read or a
 * delete: it is simply absent, after the dependency check.
 */
public final class Validation implements KeyStore {

    /** Longest key, counted in Unicode code points (API.md 4.3). */
    public static final int MAX_KEY_CODE_POINTS = 50;

    private final KeyStore next;

    public Validation(KeyStore next) {
        this.next = next;
    }

    @Override
    public KeyAnswer answer(KeyRequest request) {
        if (request.op() != KeyRequest.Op.PUT && request.malformedBody()) {
            throw new KeyRequestRejected(KeyRequestRejected.Reason.MALFORMED_BODY, CausalContext.EMPTY);
        }
        if (request.op() == KeyRequest.Op.PUT) {
            if (isTooLong(request.key())) {
                throw new KeyRequestRejected(KeyRequestRejected.Reason.KEY_TOO_LONG, echo(request.metadata()));
            }
            if (request.value().isEmpty()) {
                throw new KeyRequestRejected(KeyRequestRejected.Reason.VALUE_MISSING, echo(request.metadata()));
            }
        }
        CausalContext context = decode(request.metadata());
        try {
            return next.answer(request.withContext(context));
        } catch (KeyRequestRejected rejected) {
            if (rejected.context().isEmpty() && !context.isEmpty()) {
                throw new KeyRequestRejected(rejected.reason(), context);
            }
            throw rejected;
        }
    }

    static boolean isTooLong(String key) {
        return key.codePointCount(0, key.length()) > MAX_KEY_CODE_POINTS;
    }

    /** The request's metadata to echo in a validation error (API.md 8.2), or none if it does not decode. */
    private static CausalContext echo(MetadataSource metadata) {
        try {
            return decode(metadata);
        } catch (KeyRequestRejected invalid) {
            return CausalContext.EMPTY;
        }
    }

    private static CausalContext decode(MetadataSource metadata) {
        try {
            return metadata.decode();
        } catch (IllegalArgumentException e) {
            throw new KeyRequestRejected(KeyRequestRejected.Reason.INVALID_METADATA, CausalContext.EMPTY);
        }
    }
}
