package io.causalkv.jetty;

/**
 * Settings of the Jetty server (not of the webapp) that a causalkv node needs, shared by the
 * embedded test fixture and the standalone jetty.base so both behave the same.
 */
public final class ServerSettings {

    /**
     * Jetty's default URI compliance, plus encoded slashes: API.md 4.3 wants {@code /kvs/a%2Fb}
     * answered by the application (400 "Invalid key"), not rejected by the connector. The
     * webapp also sets {@code decodeAmbiguousURIs} (WEB-INF/jetty-ee10-web.xml).
     */
    public static final String URI_COMPLIANCE = "DEFAULT,AMBIGUOUS_PATH_SEPARATOR";

    private ServerSettings() {
    }
}
