package io.causalkv.bench.wrk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.causalkv.bench.MemoryFootprint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetsTest {

    private static Phase phase(String group, String name, int connections, double rate, long p50, long p99) {
        long requests = Math.round(rate * 10);
        WrkResult result = new WrkResult(requests, 10_000_000, 0, Map.of(), Map.of("200", requests), 0, 0,
                new WrkResult.Latency(p50, p50, p99, p99, p99 * 2, p99 * 3));
        return new Phase(group, name, !group.equals("bare") && !group.equals("etcd"), connections, result, 1, 1, 0, 2);
    }

    private static final String THREE = Targets.THREE;

    private static final List<Phase> RUN = List.of(
            phase("etcd", "etcd-mixed", 64, 2_000, 8000, 24000),
            phase(THREE, "hello-1", 64, 10_000, 6000, 18000),
            phase(THREE, "get", 64, 7_000, 6000, 18000),
            phase(THREE, "mixed", 64, 6_000, 6000, 70000),
            phase(THREE, "put", 64, 3_000, 20000, 60000),
            phase(THREE, "put-1", 1, 2_000, 400, 9000));

    private static String met(List<Targets.Target> targets, String prefix) {
        List<String> found = targets.stream().filter(t -> t.target().startsWith(prefix)).map(Targets.Target::met).toList();
        assertEquals(1, found.size(), prefix + " in " + targets);
        return found.get(0);
    }

    @Test
    void eachTargetIsJudgedOnTheFiguresOfTheRun() {
        MemoryFootprint.Footprint memory = new MemoryFootprint.Footprint(1000, 100, 3, 260_000, 7_000);
        ReshardRun.Outcome reshard = new ReshardRun.Outcome(100_000, 3, 1.2, 2.5, 100_000);
        List<Targets.Target> targets = Targets.check(RUN, new Targets.Extras(0.95, Map.of(Targets.SIX, 0.08), reshard,
                memory));

        assertEquals("yes", met(targets, "session generator"));
        assertEquals("yes", met(targets, "3-node 50/50 mix ≥ 0.6"), "0.60 of hello-1 is enough");
        assertEquals("-", met(targets, "6-node"), "no 6-node phases in this run");
        assertEquals("**no**", met(targets, "GET at a replica"), "0.70 of hello-1");
        assertEquals("**no**", met(targets, "p99"), "11.7 x p50 in the mix");
        assertEquals("yes", met(targets, "PUT at one connection"), "p50 0.4 ms");
        assertEquals("yes", met(targets, "PUT throughput"), "3,000 writes/s at 64 connections against 2,000 at one");
        assertEquals("yes", met(targets, "3-node 50/50 mix ≥ 2.5 × a 3-member etcd"), "3.0 x");
        assertEquals("**no**", met(targets, "an idle 6-node"), "8 %");
        assertEquals("yes", met(targets, "reshard"), "every key in its new shard after 2.5 s");
        assertEquals("**no**", met(targets, "1,000 keys"), "2.6 x the values, though 2.43 x keys and values");
        assertTrue(Targets.table(targets).contains("| 3-node 50/50 mix ≥ 0.6 × one node's `/hello` (`hello-1`) | 0.60 ×"));
    }

    @Test
    void aRunWithoutTheExtrasSaysWhatItDidNotMeasure() {
        List<Targets.Target> targets = Targets.check(List.of(), new Targets.Extras(Double.NaN, Map.of(), null, null));
        assertTrue(targets.stream().allMatch(t -> t.met().equals("-") && t.measured().equals("not measured in this run")),
                targets.toString());
        ReshardRun.Outcome unsettled = new ReshardRun.Outcome(100_000, 3, 1.2, 60.1, 99_998);
        assertEquals("**no**", met(Targets.check(List.of(), new Targets.Extras(Double.NaN, Map.of(), unsettled, null)),
                "reshard"), "a reshard that never counted every key");
    }
}
