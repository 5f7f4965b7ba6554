package io.causalkv.jetty;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
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

    @Override
    protected void generateResponse(Request request, Response response, int code, String message,
                                    Throwable cause, Callback callback) {
        byte[] body = ErrorTexts.jsonBody(code).getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
