package io.causalkv.bench.startup;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Makes the trivial Jersey WAR from causalkv's: the same framework jars (Jersey, HK2, Jackson;
 * not causalkv's metrics libraries), the same Jetty descriptor, causalkv's web.xml root element
 * and ordering (so a scan it avoids, this avoids too), and {@link TrivialApp} as the application.
 */
public final class TrivialWar {

    private static final Pattern NOT_FRAMEWORK = Pattern.compile("micrometer|prometheus|LatencyUtils|HdrHistogram");
    private static final Pattern ROOT_ELEMENT = Pattern.compile("<web-app\\b[^>]*>", Pattern.DOTALL);

    private TrivialWar() {
    }

    public static void make(Path causalkvWar, Path testClasses, Path out) throws IOException {
        try (ZipFile source = new ZipFile(causalkvWar.toFile());
                ZipOutputStream war = new ZipOutputStream(Files.newOutputStream(out))) {
            String webXml = new String(source.getInputStream(source.getEntry("WEB-INF/web.xml")).readAllBytes(),
                    StandardCharsets.UTF_8);
            for (ZipEntry entry : source.stream().map(ZipEntry.class::cast).toList()) {
                String name = entry.getName();
                boolean keep = (name.startsWith("WEB-INF/lib/") && !NOT_FRAMEWORK.matcher(name).find())
                        || name.equals("WEB-INF/jetty-ee10-web.xml");
                if (keep && !entry.isDirectory()) {
                    try (InputStream in = source.getInputStream(entry)) {
                        put(war, name, in.readAllBytes());
                    }
                }
            }
            put(war, "WEB-INF/web.xml", webXml(webXml).getBytes(StandardCharsets.UTF_8));
            Path classes = testClasses.resolve("io/causalkv/bench/startup");
            try (Stream<Path> files = Files.list(classes)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    String name = file.getFileName().toString();
                    if (name.startsWith("TrivialApp")) {
                        put(war, "WEB-INF/classes/io/causalkv/bench/startup/" + name, Files.readAllBytes(file));
                    }
                }
            }
        }
    }

    private static String webXml(String causalkv) {
        Matcher root = ROOT_ELEMENT.matcher(causalkv);
        if (!root.find()) {
            throw new IllegalStateException("causalkv's web.xml has no <web-app> element");
        }
        String ordering = causalkv.contains("<absolute-ordering/>") ? "  <absolute-ordering/>\n" : "";
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + root.group() + "\n" + ordering
                + "  <servlet>\n"
                + "    <servlet-name>trivial</servlet-name>\n"
                + "    <servlet-class>org.glassfish.jersey.servlet.ServletContainer</servlet-class>\n"
                + "    <init-param>\n"
                + "      <param-name>jakarta.ws.rs.Application</param-name>\n"
                + "      <param-value>" + TrivialApp.class.getName() + "</param-value>\n"
                + "    </init-param>\n"
                + "    <load-on-startup>1</load-on-startup>\n"
                + "  </servlet>\n"
                + "  <servlet-mapping>\n"
                + "    <servlet-name>trivial</servlet-name>\n"
                + "    <url-pattern>/*</url-pattern>\n"
                + "  </servlet-mapping>\n"
                + "</web-app>\n";
    }

    private static void put(ZipOutputStream war, String name, byte[] bytes) throws IOException {
        war.putNextEntry(new ZipEntry(name));
        war.write(bytes);
        war.closeEntry();
    }
}
