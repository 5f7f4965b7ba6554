package io.causalkv.api.admin;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The admin page (source in {@code admin-ui/}, packaged into the WAR's classes): {@code /admin/}
 * and its few static files. Only the files listed here are served, so no path can reach anything
 * else on the class path.
 */
@Path("admin")
public final class AdminPageResource {

    /**
     * The page's own files only, and no inline code: even markup that got into the page could
     * neither run a handler nor load anything from elsewhere. (The page renders text only.)
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "app.js", "text/javascript; charset=utf-8",
            "style.css", "text/css; charset=utf-8");

    @GET
    public Response index() {
        return file("index.html");
    }

    @GET
    @Path("{file}")
    public Response file(@PathParam("file") String name) {
        String type = FILES.get(name);
        if (type == null) {
            throw new NotFoundException();
        }
        try (InputStream in = AdminPageResource.class.getClassLoader().getResourceAsStream("admin-ui/" + name)) {
            if (in == null) {
                throw new NotFoundException();
            }
            CacheControl noCache = new CacheControl();
            noCache.setNoCache(true);
            return Response.ok(in.readAllBytes(), type).cacheControl(noCache)
                    .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                    .header("X-Content-Type-Options", "nosniff")
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
