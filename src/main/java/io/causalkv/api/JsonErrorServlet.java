package io.causalkv.api;

import io.causalkv.jetty.ErrorTexts;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The web.xml error page: errors the container raises before Jersey sees the request (a bad
 * URI encoding, an ambiguous path) are answered in JSON like everything else, never as HTML.
 */
public final class JsonErrorServlet extends HttpServlet {

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer c ? c : 404;
        response.setCharacterEncoding("UTF-8");
        write(request, response, status, ErrorTexts.jsonBody(status).getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON answer from a plain servlet (this one, the peer servlet): a HEAD answer has headers only. */
    public static void write(HttpServletRequest request, HttpServletResponse response, int status, byte[] json)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.setContentLength(json.length);
        if (!"HEAD".equals(request.getMethod())) {
            response.getOutputStream().write(json);
        }
    }
}
