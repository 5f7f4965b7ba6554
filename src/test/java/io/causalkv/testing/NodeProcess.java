package io.causalkv.testing;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The main class of a node in a child JVM ({@link ProcessCluster}): an {@link EmbeddedNode} on
 * the given port with the given settings, over the real HTTP peer transport. It runs until it is
 * killed, or until its parent goes away (its standard input ends), so a test JVM that dies
 * leaves no node behind.
 *
 * <p>Arguments: {@code PORT NAME=VALUE...}.
 */
public final class NodeProcess {

    private NodeProcess() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Map<String, String> settings = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            settings.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        EmbeddedNode node = EmbeddedNode.startOn(port, settings);
        System.out.println("causalkv node process listening on " + node.address());
        waitForParentToGo();
        node.close();
        System.exit(0);
    }

    private static void waitForParentToGo() {
        try {
            while (System.in.read() != -1) {
                // the parent never writes; EOF means it is gone
            }
        } catch (IOException e) {
            // the same: no parent
        }
    }
}
