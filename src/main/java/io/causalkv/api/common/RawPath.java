package io.causalkv.api.common;

import jakarta.servlet.http.HttpServletRequest;

/** A request's path as it came, still percent-encoded, without the context path: what the servlets outside Jersey route on. */
public final class RawPath {

    private RawPath() {
    }

    public static String of(HttpServletRequest request) {
        String raw = request.getRequestURI();
        String context = request.getContextPath();
        return raw.startsWith(context) ? raw.substring(context.length()) : raw;
    }
}
