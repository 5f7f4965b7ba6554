package io.causalkv.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.causalkv.api.CausalKvApplication;
import io.causalkv.testing.EmbeddedNode;
import io.causalkv.testing.Http;
import io.causalkv.testing.RawHttp;
import io.causalkv.testing.TestNodes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.glassfish.jersey.test.JerseyTest;
import org.junit.jupiter.api.Test;

/**
 * No answer carries a stack trace, an exception's class or its message: unexpected failures
 * in the application become {@code {"error":"Internal server error"}}, and what the container
 * refuses before the application is a JSON error too.
 */
class NoStackTraceTest extends JerseyTest {

    private static final String SECRET_DETAIL = "detail-that-must-stay-in-the-log";

    /** Fails in the ways a bug would. */
    @Path("failing")
    public static final class FailingResource {
        @GET
        @Path("runtime")
        public Response runtime() {
            throw new IllegalStateException(SECRET_DETAIL, new java.io.IOException(SECRET_DETAIL));
        }

        @GET
        @Path("error")
        public Response error() {
            throw new AssertionError(SECRET_DETAIL);
        }

        @GET
        @Path("npe")
        public Response npe() {
            Object missing = null;
            return Response.ok(missing.toString()).build();
        }
    }

    @Override
    protected Application configure() {
        return new CausalKvApplication(TestNodes.standalone()).register(FailingResource.class);
    }

    @Test
    void unexpectedFailuresAre500WithAFixedBody() {
        for (String path : List.of("failing/runtime", "failing/error", "failing/npe")) {
            Response response = target(path).request().get();
            String body = response.readEntity(String.class);
            assertEquals(500, response.getStatus(), path + ": " + body);
            assertEquals("application/json", response.getMediaType().toString(), path);
            assertEquals(Http.json("{\"error\":\"Internal server error\"}"), Http.json(body), path);
            assertNoTrace(body);
        }
    }

    @Test
    void containerErrorsCarryNoTraceEither() throws Exception {
        try (EmbeddedNode node = EmbeddedNode.start(Map.of())) {
            for (String request : List.of(
                    "GET /kvs/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                    "GET /kvs/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                    "BROKEN\r\n\r\n",
                    "PUT /kvs/x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n",
                    "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\nConnection: close\r\n\r\n",
                    "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")) {
                String answer = RawHttp.send(node.port(), request);
                assertNoTrace(answer);
                String body = RawHttp.body(answer);
                if (!body.isEmpty()) {
                    assertEquals(1, Http.json(body).size(), "only an error string: " + body);
                }
            }
        }
    }

    private static void assertNoTrace(String text) {
        for (String sign : List.of("\tat ", "at io.causalkv", "at org.", "Exception", "Error:", SECRET_DETAIL, "<html")) {
            assertFalse(text.contains(sign), "\"" + sign + "\" in: " + text);
        }
    }
}
