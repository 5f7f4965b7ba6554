package io.causalkv.api;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

/**
 * Shows Jersey a request's media-type headers as the API reads them: every body is JSON whatever
 * its {@code Content-Type} says (API.md 4.1), and every answer is what the path produces whatever
 * {@code Accept} says. Jersey parses both headers to pick a resource method; an unparsable one
 * (a {@code Content-Type} of {@code "/"}, a quality of {@code "q=x"}) made it answer 400 with no
 * body, or fail in the middle of its exception mapping with a 500, before any causalkv code ran.
 */
public final class MediaTypeHeadersFilter implements Filter {

    private static final String CONTENT_TYPE = "content-type";
    private static final String ACCEPT = "accept";
    private static final String JSON = "application/json";

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        chain.doFilter(request instanceof HttpServletRequest http ? new AsReadRequest(http) : request, response);
    }

    /** The request with {@code Content-Type: application/json} when it has a Content-Type, and no Accept. */
    private static final class AsReadRequest extends HttpServletRequestWrapper {

        private final boolean typed;

        AsReadRequest(HttpServletRequest request) {
            super(request);
            this.typed = request.getHeader(CONTENT_TYPE) != null;
        }

        @Override
        public String getContentType() {
            return typed ? JSON : null;
        }

        @Override
        public String getHeader(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case CONTENT_TYPE -> getContentType();
                case ACCEPT -> null;
                default -> super.getHeader(name);
            };
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case CONTENT_TYPE -> Collections.enumeration(typed ? List.of(JSON) : List.of());
                case ACCEPT -> Collections.emptyEnumeration();
                default -> super.getHeaders(name);
            };
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = Collections.list(super.getHeaderNames());
            names.removeIf(name -> name.equalsIgnoreCase(ACCEPT));
            return Collections.enumeration(names);
        }
    }
}
