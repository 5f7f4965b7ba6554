package io.causalkv.e2e;

import io.causalkv.testing.Await;
import io.causalkv.testing.Http;
import io.causalkv.testing.Trees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One causalkv node as a standalone Tomcat 10.1 process: a CATALINA_BASE of its own (Tomcat's
 * configuration with a connector on 127.0.0.1 at the node's port, the packaged WAR as ROOT.war),
 * started with {@code catalina.sh run} and the node's settings in its environment, as a user
 * deploys the WAR on Tomcat. The distribution is unpacked by Maven (pom.xml, pre-integration-test).
 */
final class TomcatNode implements AutoCloseable {

    private static final Duration READY_WITHIN = Duration.ofSeconds(60);

    /**
     * Tomcat's default for an encoded slash is to refuse the request itself (400, before the
     * application); passed through, the application answers API.md's 400 "Invalid key" in JSON.
     * The shutdown port is off: the test stops the process by its PID.
     */
    private static final String SERVER_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Server port="-1" shutdown="SHUTDOWN">
              <Service name="Catalina">
                <Connector address="127.0.0.1" port="%d" protocol="HTTP/1.1" connectionTimeout="20000"
                           encodedSolidusHandling="passthrough"/>
                <Engine name="Catalina" defaultHost="localhost">
                  <Host name="localhost" appBase="webapps" unpackWARs="true" autoDeploy="false"/>
                </Engine>
              </Service>
            </Server>
            """;

    private final Process process;
    private final int port;
    private final Path base;

    private TomcatNode(Process process, int port, Path base) {
        this.process = process;
        this.port = port;
        this.base = base;
    }

    /** Where Maven unpacked Tomcat, or null when the tests do not run under Maven's integration-test phase. */
    static Path home() {
        String home = System.getProperty("causalkv.tomcat.home");
        return home == null || !Files.isRegularFile(Path.of(home, "bin", "catalina.sh")) ? null : Path.of(home);
    }

    static Path war() {
        return Path.of(System.getProperty("causalkv.war", "target/causalkv.war"));
    }

    /** Starts a node on {@code port} with {@code settings} as its environment and waits until it is ready. */
    static TomcatNode start(Path home, Path base, int port, Map<String, String> settings) throws IOException {
        Trees.delete(base);
        Files.createDirectories(base.resolve("webapps"));
        for (String dir : new String[] {"logs", "temp", "work"}) {
            Files.createDirectories(base.resolve(dir));
        }
        try (Stream<Path> conf = Files.list(home.resolve("conf"))) {
            Files.createDirectories(base.resolve("conf"));
            for (Path file : conf.filter(Files::isRegularFile).toList()) {
                Files.copy(file, base.resolve("conf").resolve(file.getFileName()));
            }
        }
        Files.writeString(base.resolve("conf/server.xml"), SERVER_XML.formatted(port));
        Files.copy(war(), base.resolve("webapps/ROOT.war"), StandardCopyOption.REPLACE_EXISTING);

        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/catalina.sh").toString(), "run")
                .redirectErrorStream(true)
                .redirectOutput(base.resolve("logs/console.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("CATALINA_HOME", home.toString());
        env.put("CATALINA_BASE", base.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.remove("CATALINA_OPTS");
        env.remove("JAVA_OPTS");
        env.putAll(settings);
        // catalina.sh and setclasspath.sh must be executable: Maven's unpack may not keep the mode.
        home.resolve("bin/catalina.sh").toFile().setExecutable(true);
        home.resolve("bin/setclasspath.sh").toFile().setExecutable(true);
        TomcatNode node = new TomcatNode(builder.start(), port, base);
        node.await("/health");
        return node;
    }

    /** Waits until the node says it is ready: a cluster node, once it holds its shard's state. */
    void awaitReady() {
        await("/ready");
    }

    private void await(String path) {
        try {
            Await.until(READY_WITHIN, "Tomcat node on port " + port + " answers " + path,
                    () -> process.isAlive() && Http.send("GET", url(path)).status() == 200);
        } catch (AssertionError e) {
            close();
            throw new AssertionError(e.getMessage() + "; its console: " + base.resolve("logs/console.log"), e);
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    int port() {
        return port;
    }

    /** Stops the process (SIGTERM: Tomcat stops its webapps; the node's listener closes it) by its own PID. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
