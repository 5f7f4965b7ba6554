package io.causalkv.jetty;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's server-wide error handler for causalkv: errors raised before any webapp sees the
 * request (an undecodable URI, a broken request line, oversized headers) are answered as
 * {@code {"error":"..."}} in JSON, never as Jetty's HTML page. Installed on the Server by the
 * embedded test fixture and, in standalone Jetty, by the node's jetty.base.
 */
public class JsonErrorHandler extends ErrorHandler {

    /** Every method gets a body; Jetty's default leaves PUT and DELETE errors empty. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    /**
     * A request line with an HTTP version Jetty does not speak (none at all, {@code HTTP/1.2},
     * {@code HTTP/2.0} in plain text) is bad input: 400, not Jetty's 505 (API.md 4.1: bad input
     * always gets a 4xx). (Jetty hands this handler a stand-in request whose method is always
     * GET, so a HEAD cannot be told apart here; Jetty closes the connection after these answers.)
     */
    @Override
    protected void generateResponse(Request request, Response response, int code, String message,
                                    Throwable cause, Callback callback) {
        int status = code == HttpStatus.HTTP_VERSION_NOT_SUPPORTED_505 ? HttpStatus.BAD_REQUEST_400 : code;
        byte[] body = (status == code ? ErrorTexts.jsonBody(code) : ErrorTexts.json(ErrorTexts.UNSUPPORTED_VERSION))
                .getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
