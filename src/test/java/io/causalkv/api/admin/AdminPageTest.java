package io.causalkv.api.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.testing.EmbeddedNode;
import io.causalkv.testing.Http;
import io.causalkv.testing.RawHttp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The admin page's files as the node serves them under {@code /admin/}: the page, its script and
 * style, nothing from another host, keys and addresses rendered as text only. (Its behaviour in a
 * real browser is the browser test's.)
 */
class AdminPageTest {

    private static EmbeddedNode node;

    @BeforeAll
    static void start() throws Exception {
        node = EmbeddedNode.start(Map.of());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void thePageAndItsFilesAreServedWithTheirTypes() {
        Http.Reply page = Http.send("GET", node.url("/admin/"));
        assertEquals(200, page.status());
        assertTrue(page.contentType().startsWith("text/html"), page.contentType());
        assertTrue(page.body().contains("<script src=\"app.js\"></script>"));
        assertTrue(Http.send("GET", node.url("/admin/app.js")).contentType().startsWith("text/javascript"));
        assertTrue(Http.send("GET", node.url("/admin/style.css")).contentType().startsWith("text/css"));
        assertEquals(200, Http.send("GET", node.url("/admin/api/cluster")).status(), "the JSON the page reads");
    }

    @Test
    void nothingIsLoadedFromAnotherHostAndNothingIsInsertedAsMarkup() {
        for (String file : List.of("/admin/", "/admin/app.js", "/admin/style.css")) {
            String body = Http.send("GET", node.url(file)).body();
            assertFalse(body.contains("http://") || body.contains("https://") || body.contains("//cdn"), file + " refers to another host");
        }
        String script = Http.send("GET", node.url("/admin/app.js")).body();
        assertFalse(script.contains("innerHTML") || script.contains("outerHTML") || script.contains("insertAdjacentHTML")
                || script.contains("document.write"), "keys and addresses must be rendered as text");
        assertTrue(script.contains("textContent"));
    }

    @Test
    void thePageForbidsInlineCodeAndSniffing() {
        for (String file : List.of("/admin/", "/admin/app.js", "/admin/api/cluster")) {
            String head = RawHttp.send(node.port(), "GET " + file + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .split("\r\n\r\n")[0].toLowerCase();
            assertTrue(head.contains("\r\nx-content-type-options: nosniff"), file + ": " + head);
        }
        String page = RawHttp.send(node.port(), "GET /admin/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertTrue(page.contains("Content-Security-Policy: default-src 'self'; script-src 'self';"), page);
        String body = RawHttp.body(page);
        assertFalse(body.contains("<script>") || body.contains("style=") || body.matches("(?s).*\\son[a-z]+=.*"),
                "inline code the policy would block");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/admin/secret.txt", "/admin/..%2Fweb.xml", "/admin/WEB-INF", "/admin/api", "/admin/index.htm"})
    void nothingElseIsServed(String path) {
        Http.Reply reply = Http.send("GET", node.url(path));
        assertEquals(404, reply.status(), path + ": " + reply.body());
        assertTrue(reply.contentType().startsWith("application/json"));
    }
}
