package io.causalkv.bench.wrk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {

    /** A phase of 10 s with {@code rate} req/s, the given p50/p99 (µs) and server CPU seconds. */
    private static Phase phase(String group, String name, boolean causalkv, double rate, long p50, long p99,
            double serverCpu, double peerCalls) {
        long requests = Math.round(rate * 10);
        WrkResult result = new WrkResult(requests, 10_000_000, 0, Map.of(), Map.of("200", requests), 0, 0,
                new WrkResult.Latency(p50, p50, p99, p99, p99 * 2, p99 * 3));
        return new Phase(group, name, causalkv, 64, result, serverCpu, 2.0, peerCalls, 2);
    }

    private static final List<Phase> RUN = List.of(
            phase("bare", "wrk-hello", false, 20_000, 3000, 9000, 10, Double.NaN),
            phase("bare", "hello", false, 19_000, 3000, 9000, 9.5, Double.NaN),
            phase("bare", "map-mixed", false, 16_000, 4000, 12000, 12, Double.NaN),
            phase("etcd", "etcd-mixed", false, 8_000, 8000, 24000, 16, Double.NaN),
            phase("3-node-1-shard", "hello-1", true, 9_500, 6000, 18000, 9.5, 0),
            phase("3-node-1-shard", "hello", true, 10_000, 6000, 18000, 10, 0),
            phase("3-node-1-shard", "mixed", true, 2_000, 30000, 90000, 16, 40_000));

    @Test
    void ratiosOfEachCausalkvPhaseToTheAnchorsOfTheSameRun() {
        List<Report.Row> rows = Report.ratios(RUN);
        assertEquals(List.of("hello-1", "hello", "mixed"), rows.stream().map(r -> r.phase().name()).toList());

        Report.Row helloOne = rows.get(0);
        assertEquals(List.of("bare hello"), List.copyOf(helloOne.ratios().keySet()));
        assertEquals(0.5, helloOne.ratios().get("bare hello").throughput(), 1e-9);

        Report.Row mixed = rows.get(2);
        assertEquals(List.of("bare hello", "hello-1", "etcd-mixed", "map-mixed"), List.copyOf(mixed.ratios().keySet()));
        Report.Ratio vsBare = mixed.ratios().get("bare hello");
        assertEquals(2_000.0 / 19_000, vsBare.throughput(), 1e-9);
        assertEquals(10.0, vsBare.p50(), 1e-9);
        assertEquals(10.0, vsBare.p99(), 1e-9);
        // CPU per request: 16 s / 20,000 requests = 800 µs against 9.5 s / 190,000 = 50 µs
        assertEquals(16.0, vsBare.cpu(), 1e-9);
        Report.Ratio vsEtcd = mixed.ratios().get("etcd-mixed");
        assertEquals(0.25, vsEtcd.throughput(), 1e-9);
        assertEquals(3.75, vsEtcd.p50(), 1e-9);
        assertEquals(4.0, vsEtcd.cpu(), 1e-9);
        assertEquals(0.125, mixed.ratios().get("map-mixed").throughput(), 1e-9);
        assertEquals(2_000.0 / 9_500, mixed.ratios().get("hello-1").throughput(), 1e-9);
    }

    @Test
    void aLayoutRunWithoutAnchorsHasOnlyItsOwnHelloOne() {
        List<Report.Row> rows = Report.ratios(RUN.subList(4, 7));
        assertEquals(Map.of(), rows.get(0).ratios());
        assertEquals(List.of("hello-1"), List.copyOf(rows.get(2).ratios().keySet()));
        assertTrue(Report.generatorCheck(RUN.subList(4, 7)).isEmpty());
    }

    @Test
    void generatorCheckIsTheSessionHelloOverPlainWrks() {
        assertEquals(0.95, Report.generatorCheck(RUN).getAsDouble(), 1e-9);
    }

    @Test
    void interleavedCheckComparesTheRunsTogether() {
        WrkResult.Latency l = new WrkResult.Latency(1, 1, 1, 1, 1, 1);
        // session: 9,000 and 11,000 requests in 1 s each; plain: 12,000 in 1 s and 8,000 in 0.5 s
        List<WrkResult> session = List.of(new WrkResult(9_000, 1_000_000, 0, Map.of(), Map.of(), 0, 0, l),
                new WrkResult(11_000, 1_000_000, 0, Map.of(), Map.of(), 0, 0, l));
        List<WrkResult> plain = List.of(new WrkResult(12_000, 1_000_000, 0, Map.of(), Map.of(), 0, 0, l),
                new WrkResult(8_000, 500_000, 0, Map.of(), Map.of(), 0, 0, l));
        assertEquals(10_000.0 / (20_000 / 1.5), Report.interleavedRatio(session, plain), 1e-9);
    }

    @Test
    void tablesShowTheFiguresAndTheRatios() {
        Phase mixed = RUN.get(6);
        assertEquals(800.0, mixed.serverCpuMicrosPerRequest(), 1e-9);
        assertEquals(2.0, mixed.peerCallsPerRequest(), 1e-9);
        assertEquals(0.1, mixed.generatorShare(), 1e-9);
        assertEquals(100.0, mixed.generatorCpuMicrosPerRequest(), 1e-9);
        assertEquals(3.0, mixed.tail(), 1e-9);

        String table = Report.phaseTable(RUN);
        assertTrue(table.contains("| 3-node-1-shard | mixed | 64 | 2,000 | 30.00 | 90.00 | 180.00 | 3.0 | 0 | 800 | 10 % | 2.00 |"),
                table);
        assertTrue(table.contains("| bare | wrk-hello | 64 | 20,000 | 3.00 | 9.00 | 18.00 | 3.0 | 0 | 50 | 10 % | – |"),
                table);
        String ratios = Report.ratioTable(Report.ratios(RUN));
        assertTrue(ratios.contains("| 3-node-1-shard | mixed | 0.11 / 10.00 / 10.00 / 16.00 | 0.21 / 5.00 / 5.00 / 8.00 "
                + "| 0.25 / 3.75 / 3.75 / 4.00 | 0.13 / 7.50 / 7.50 / 10.67 |"), ratios);
        assertTrue(ratios.contains("| 3-node-1-shard | hello-1 | 0.50 / 2.00 / 2.00 / 2.00 |  |  |  |"), ratios);
    }

    @Test
    void errorsShowStatusesSocketErrorsAndEtcdMisses() {
        WrkResult etcd = new WrkResult(10, 1_000_000, 0, Map.of("read", 1L), Map.of("200", 10L), 3, 0,
                new WrkResult.Latency(1, 1, 1, 1, 1, 1));
        assertEquals("socket:1 miss:3", Report.errors(new Phase("etcd", "etcd-mixed", false, 1, etcd, 0, 0, 0, 2)));
        WrkResult kvs = new WrkResult(10, 1_000_000, 0, Map.of(), Map.of("200", 7L, "404", 3L), 3, 0,
                new WrkResult.Latency(1, 1, 1, 1, 1, 1));
        assertEquals("404:3", Report.errors(new Phase("1-node", "mixed", true, 1, kvs, 0, 0, 0, 2)));
        assertFalse(Report.json(RUN.get(0)).containsValue(Double.NaN));
    }
}
