package io.causalkv.jetty;

/**
 * The {@code error} string of an error that the container, not the application, answers.
 * Self-contained (JDK only) because it is loaded both by the webapp and by Jetty's server
 * class loader.
 */
public final class ErrorTexts {

    /** The text of a request whose HTTP version is not one the server speaks (answered 400). */
    public static final String UNSUPPORTED_VERSION = "HTTP version not supported";

    private ErrorTexts() {
    }

    public static String forStatus(int status) {
        return switch (status) {
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 413 -> "Request body too large";
            case 414 -> "URI too long";
            case 431 -> "Request headers too large";
            default -> status >= 500 ? "Internal server error" : "Bad request";
        };
    }

    /** {@code {"error":"<text>"}} for a status; the texts need no escaping. */
    public static String jsonBody(int status) {
        return json(forStatus(status));
    }

    /** {@code {"error":"<text>"}} for one of this class's texts (none needs escaping). */
    public static String json(String text) {
        return "{\"error\":\"" + text + "\"}";
    }
}
