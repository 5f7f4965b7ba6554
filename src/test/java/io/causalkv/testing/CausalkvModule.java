package io.causalkv.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The connector settings of the causalkv Jetty module ({@code src/main/jetty-base/modules/causalkv.mod},
 * its {@code [ini]} section), which standalone nodes run with: the in-JVM fixture reads them
 * from there, so that both serve alike.
 */
final class CausalkvModule {

    static final Path FILE = Path.of("src/main/jetty-base/modules/causalkv.mod");

    private static final Map<String, String> INI = read(FILE);

    private CausalkvModule() {
    }

    /** The value the module gives {@code property}; fails loudly if the module no longer sets it. */
    static String setting(String property) {
        String value = INI.get(property);
        if (value == null) {
            throw new IllegalStateException(FILE + " sets no " + property);
        }
        return value;
    }

    private static Map<String, String> read(Path module) {
        Map<String, String> ini = new LinkedHashMap<>();
        String section = "";
        try {
            for (String raw : Files.readAllLines(module)) {
                String line = raw.strip();
                if (line.startsWith("[") && line.endsWith("]")) {
                    section = line;
                } else if (section.equals("[ini]") && !line.isEmpty() && !line.startsWith("#")) {
                    int eq = line.indexOf('=');
                    String key = line.substring(0, eq);
                    ini.put(key.endsWith("?") ? key.substring(0, key.length() - 1) : key, line.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ini;
    }
}
