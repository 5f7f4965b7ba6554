package io.causalkv.bench.wrk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class WrkResultTest {

    /** A load of 3,000 keys that wrote 2,999 (session.lua before its load fix), as wrk printed it. */
    private static final String SESSION_OUTPUT = """
            Running 20s test @ http://127.0.0.1:29101
              64 threads and 64 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency    15.51ms   11.02ms 149.74ms   79.61%
                Req/Sec     2.34      0.50     3.00     66.31%
              2999 requests in 20.00s, 553.69KB read
            Requests/sec:    149.94
            Transfer/sec:     27.68KB
            wrk-result {"requests":2999,"duration_us":20000370,"bytes":566983,"errors":{"connect":0,"read":0,"write":0,"status":0,"timeout":0},"statuses":{"201":2999},"latency_us":{"mean":15514.4,"p50":14075,"p90":26796,"p99":44709,"p999":89676,"max":149736}}
            wrk-cpu-ticks 37
            """;

    @Test
    void readsTheSessionScriptsResultLine() {
        WrkResult result = WrkResult.parse(SESSION_OUTPUT);
        assertEquals(2999, result.requests());
        assertEquals(20_000_370, result.durationMicros());
        assertEquals(566_983, result.bytes());
        assertEquals(Map.of("201", 2999L), result.statuses());
        assertEquals(2999, result.succeeded());
        assertEquals(0, result.socketErrors());
        assertTrue(result.errorsByKind().isEmpty());
        assertEquals(0, result.misses());
        assertEquals(0, result.unwritten());
        assertEquals(new WrkResult.Latency(15514.4, 14075, 26796, 44709, 89676, 149736), result.latency());
        assertEquals(2999 / 20.00037, result.requestsPerSecond(), 1e-9);
        assertEquals(0.37, WrkRunner.cpuSeconds(SESSION_OUTPUT), 1e-12);
    }

    @Test
    void countsFailedStatusesSocketErrorsAndMisses() {
        WrkResult result = WrkResult.parse("wrk-result {\"requests\":100,\"duration_us\":1000000,\"bytes\":1,"
                + "\"errors\":{\"connect\":1,\"read\":2,\"write\":0,\"status\":7,\"timeout\":3},"
                + "\"statuses\":{\"200\":80,\"201\":13,\"404\":5,\"503\":2},\"misses\":5,\"unwritten\":1,"
                + "\"latency_us\":{\"mean\":1.0,\"p50\":1,\"p90\":2,\"p99\":3,\"p999\":4,\"max\":5}}");
        assertEquals(93, result.succeeded());
        assertEquals(6, result.socketErrors());
        assertEquals(Map.of("404", 5L, "503", 2L, "socket", 6L), result.errorsByKind());
        assertEquals(5, result.misses());
        assertEquals(1, result.unwritten());
        assertEquals(100.0, result.requestsPerSecond(), 1e-9);
    }

    @Test
    void failsWithoutAResultLine() {
        assertThrows(IllegalArgumentException.class, () -> WrkResult.parse("Running 10s test\n"));
    }

    /** wrk 4.1 with no script and --latency. */
    private static final String PLAIN_OUTPUT = """
            Running 5s test @ http://127.0.0.1:29150/hello
              2 threads and 64 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     3.41ms    2.87ms  48.10ms   89.41%
                Req/Sec    10.02k     1.10k   12.51k    72.00%
              Latency Distribution
                 50%    2.72ms
                 75%    4.01ms
                 90%    6.12ms
                 99%   14.87ms
              99710 requests in 5.00s, 14.17MB read
              Non-2xx or 3xx responses: 10
              Socket errors: connect 0, read 3, write 0, timeout 2
            Requests/sec:  19935.61
            Transfer/sec:      2.83MB
            """;

    @Test
    void readsPlainWrksReport() {
        WrkResult result = WrkResult.parsePlain(PLAIN_OUTPUT);
        assertEquals(99_710, result.requests());
        assertEquals(19935.61, result.requestsPerSecond(), 0.01);
        assertEquals(Map.of("2xx", 99_700L, "other", 10L), result.statuses());
        assertEquals(5, result.socketErrors());
        assertEquals(3410, result.latency().mean(), 1e-9);
        assertEquals(2720, result.latency().p50(), 1e-9);
        assertEquals(6120, result.latency().p90(), 1e-9);
        assertEquals(14870, result.latency().p99(), 1e-9);
        assertTrue(Double.isNaN(result.latency().p999()));
        assertEquals(48100, result.latency().max(), 1e-9);
        assertEquals(Math.round(14.17 * 1024 * 1024), result.bytes());
    }

    @Test
    void readsWrksTimeUnits() {
        assertEquals(635, WrkResult.micros("635.00", "us"), 1e-9);
        assertEquals(1500, WrkResult.micros("1.50", "ms"), 1e-9);
        assertEquals(2_000_000, WrkResult.micros("2.00", "s"), 1e-9);
        assertEquals(60_000_000, WrkResult.micros("1.00", "m"), 1e-9);
    }
}
