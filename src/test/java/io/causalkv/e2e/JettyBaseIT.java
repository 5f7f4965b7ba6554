package io.causalkv.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.testing.Await;
import io.causalkv.testing.FreePorts;
import io.causalkv.testing.Http;
import io.causalkv.testing.RawHttp;
import io.causalkv.testing.Trees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * README's "Deploy on your own Jetty", step by step: the Jetty base overlay that {@code mvn
 * package} builds ({@code target/jetty-base}) copied into a new jetty.base with the WAR as
 * {@code webapps/ROOT.war}, the {@code causalkv} module added with Jetty's own start.jar, and a
 * node started by start.jar with the overlay's JVM options: it serves the API, and the
 * server-level pieces of the module answer what Jetty refuses before the webapp, in JSON.
 */
class JettyBaseIT {

    private static final Path OVERLAY = Path.of("target/jetty-base");
    private static final Path BASE = Path.of("target/jetty-base-it").toAbsolutePath();

    @Test
    void theOverlayMakesAJettyBaseThatServesANode() throws Exception {
        Path home = jettyHome();
        Trees.delete(BASE);
        Files.createDirectories(BASE.resolve("webapps"));
        Trees.copy(OVERLAY, BASE);
        Files.copy(Path.of(System.getProperty("causalkv.war", "target/causalkv.war")), BASE.resolve("webapps/ROOT.war"));
        Process add = new ProcessBuilder(java(), "-jar", home.resolve("start.jar").toString(), "--add-modules=causalkv")
                .directory(BASE.toFile()).redirectErrorStream(true).redirectOutput(BASE.resolve("add-modules.log").toFile()).start();
        assertTrue(add.waitFor(60, TimeUnit.SECONDS), "start.jar --add-modules=causalkv finished");
        assertEquals(0, add.exitValue(), Files.readString(BASE.resolve("add-modules.log")));

        int port = FreePorts.reserve();
        ProcessBuilder node = new ProcessBuilder(java(), "@jvm.options", "-jar", home.resolve("start.jar").toString(),
                "jetty.http.host=127.0.0.1", "jetty.http.port=" + port)
                .directory(BASE.toFile()).redirectErrorStream(true).redirectOutput(BASE.resolve("node.log").toFile());
        node.environment().put("SOCKET_ADDRESS", "127.0.0.1:" + port);
        node.environment().put("VIEW", "127.0.0.1:" + port);
        Process process = node.start();
        try {
            String url = "http://127.0.0.1:" + port;
            Await.until(Duration.ofSeconds(60), "the node of the jetty.base is ready",
                    () -> process.isAlive() && Http.send("GET", url + "/ready").status() == 200);
            Http.Reply put = Http.send("PUT", url + "/kvs/colour", "{\"value\":\"blue\"}");
            assertEquals(201, put.status(), put.body());
            Http.Reply get = Http.send("GET", url + "/kvs/colour");
            assertEquals("blue", get.json().get("value").asText(), get.body());

            // The module's URI rule lets an encoded slash reach the webapp, which refuses it (API.md 4.3) ...
            assertJsonError(RawHttp.send(port, "GET /kvs/a%2Fb HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), 400, "Invalid key");
            // ... and its error handler answers, in JSON, what Jetty refuses before any webapp.
            String badUri = RawHttp.send(port, "GET /kvs/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertJsonError(badUri, 400, "Bad request");
            assertFalse(badUri.toLowerCase().contains("\nserver:"), "no Server header: " + badUri);
        } finally {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static Path jettyHome() {
        String home = System.getProperty("causalkv.jetty.home");
        assertNotNull(home, "jetty-home is unpacked by mvn verify (pre-integration-test): run the test through Maven");
        assertTrue(Files.isRegularFile(Path.of(home, "start.jar")), "no start.jar in " + home);
        return Path.of(home).toAbsolutePath();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void assertJsonError(String answer, int status, String error) {
        assertEquals(status, RawHttp.status(answer), answer);
        assertTrue(answer.toLowerCase().contains("content-type: application/json"), answer);
        assertEquals(Http.json("{\"error\":\"" + error + "\"}"), Http.json(RawHttp.body(answer)), answer);
    }
}
