package io.causalkv.api;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.Locale;

/**
 * Answers a request that says {@code Connection: close} with {@code Connection: close}, so the
 * connection ends with the answer. Jetty (12.0.30) forgot the client's close on a HEAD with
 * {@code Expect: 100-continue}: after the 100 and the answer it kept the connection open until
 * its idle timeout and read the bytes that followed the declared body as one more request
 * (found by the bad-input fuzz test).
 */
public final class ConnectionCloseFilter implements Filter {

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        if (request instanceof HttpServletRequest http && response instanceof HttpServletResponse answer && asksToClose(http)) {
            answer.setHeader("Connection", "close");
        }
        chain.doFilter(request, response);
    }

    private static boolean asksToClose(HttpServletRequest request) {
        for (String header : Collections.list(request.getHeaders("Connection"))) {
            for (String token : header.split(",")) {
                if (token.strip().toLowerCase(Locale.ROOT).equals("close")) {
                    return true;
                }
            }
        }
        return false;
    }
}
