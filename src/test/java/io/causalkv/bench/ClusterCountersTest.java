package io.causalkv.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClusterCountersTest {

    private static final String NODE = """
            # HELP causalkv_peer_calls_total Calls this node made to its peers, by kind
            # TYPE causalkv_peer_calls_total counter
            causalkv_peer_calls_total{call="ping"} 40.0
            causalkv_peer_calls_total{call="replicate"} 10.0
            causalkv_peer_calls_total{call="relay"} 0.0
            # TYPE causalkv_replication_writes_sent_total counter
            causalkv_replication_writes_sent_total 35.0
            causalkv_requests_seconds_count{dialect="kvs",method="PUT",status="201"} 99.0
            # TYPE process_cpu_seconds_total counter
            process_cpu_seconds_total 12.5
            """;

    @Test
    void readsCallsByKindAndWritesSentFromPrometheusText() {
        ClusterCounters traffic = ClusterCounters.parse(NODE);
        assertEquals(Map.of("ping", 40.0, "replicate", 10.0, "relay", 0.0), traffic.calls());
        assertEquals(35.0, traffic.replicatedWrites());
        assertEquals(3.5, traffic.writesPerBatch(), 1e-9);
        assertEquals(12.5, traffic.cpuSeconds());
    }

    @Test
    void sumsNodesAndSubtractsAnEarlierSnapshot() {
        ClusterCounters two = ClusterCounters.parse(NODE).plus(ClusterCounters.parse(NODE.replace("40.0", "2.0")));
        assertEquals(42.0, two.calls("ping"));
        assertEquals(70.0, two.replicatedWrites());
        assertEquals(25.0, two.cpuSeconds());
        ClusterCounters later = two.plus(new ClusterCounters(Map.of("replicate", 5.0, "sync", 1.0), 5, 1.5));
        ClusterCounters phase = later.since(two);
        assertEquals(5.0, phase.calls("replicate"));
        assertEquals(1.0, phase.calls("sync"));
        assertEquals(0.0, phase.calls("ping"));
        assertEquals(1.0, phase.writesPerBatch(), 1e-9);
        assertEquals(1.5, phase.cpuSeconds(), 1e-9);
    }

    @Test
    void aNodeWithoutTheSeriesAddsNothingAndNoBatchesMeansNoRatio() {
        ClusterCounters none = ClusterCounters.parse("causalkv_keys 3.0\n");
        assertEquals(Map.of(), none.calls());
        assertEquals(0.0, none.writesPerBatch());
    }
}
