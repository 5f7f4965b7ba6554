package io.causalkv.bench;

import io.causalkv.cluster.ClusterMap;
import io.causalkv.cluster.NodeAddress;
import io.causalkv.testing.Cluster;
import io.causalkv.transport.FaultyHttpTransport;
import io.causalkv.transport.HttpPeerClient;
import io.causalkv.transport.Ping;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The cost of one peer call: N heartbeats from an {@link HttpPeerClient} to a one-node cluster in
 * this JVM, one after another, as this process's CPU time (caller and callee together) and wall
 * time per call, in three rounds after a warm-up. To compare two transports, run it on each.
 *
 * <pre>mvn -q exec:java -Dexec.mainClass=io.causalkv.bench.PeerCallCost -Dexec.classpathScope=test -Dexec.args=5000</pre>
 */
public final class PeerCallCost {

    private PeerCallCost() {
    }

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        try (Cluster cluster = Cluster.start(1, FaultyHttpTransport::new, Map.of());
             HttpPeerClient client = new HttpPeerClient(java.util.Optional.empty())) {
            NodeAddress target = cluster.nodeAddress(0);
            NodeAddress caller = NodeAddress.parse("127.0.0.1:1");
            Ping ping = new Ping(caller, ClusterMap.initial(List.of(caller)));
            for (int i = 0; i < calls; i++) {
                client.ping(target, ping); // warm-up
            }
            for (int round = 1; round <= 3; round++) {
                long cpu = os.getProcessCpuTime();
                long wall = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    client.ping(target, ping);
                }
                System.out.printf(Locale.ROOT, "round %d: %.0f us CPU and %.0f us wall per ping%n", round,
                        (os.getProcessCpuTime() - cpu) / 1e3 / calls, (System.nanoTime() - wall) / 1e3 / calls);
            }
        }
    }
}
