package io.causalkv.bench.wrk;

import io.causalkv.bench.MemoryFootprint;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Issue 19's targets, each checked against the figures of one run: what was measured and whether
 * it meets the target. A target whose figures the run did not produce (a layout or anchor left
 * out) says so.
 */
final class Targets {

    static final String THREE = WrkOptions.label(3, "memory");
    static final String SIX = WrkOptions.label(6, "memory");

    /** One target: what it asks, what this run measured, and "yes", "no" or "not measured". */
    record Target(String target, String measured, String met) {
    }

    /** What a run measured besides its phases. Any of them may be missing (NaN, null, or absent from the map). */
    record Extras(double generatorCheck, Map<String, Double> idleShares, ReshardRun.Outcome reshard,
                  MemoryFootprint.Footprint memory) {
    }

    private Targets() {
    }

    static List<Target> check(List<Phase> phases, Extras extras) {
        List<Target> targets = new ArrayList<>();
        double check = extras.generatorCheck();
        String generator = String.format(Locale.ROOT, "session generator drives the bare `/hello` at ≥ %.1f × plain wrk", Report.GENERATOR_CHECK);
        targets.add(Double.isFinite(check) ? new Target(generator, num(check), verdict(check >= Report.GENERATOR_CHECK))
                : missing(generator));
        targets.add(ratio(phases, THREE, "mixed", Report.find(phases, THREE, "hello-1"), 0.6,
                "3-node 50/50 mix ≥ 0.6 × one node's `/hello` (`hello-1`)"));
        targets.add(ratio(phases, SIX, "mixed", Report.find(phases, SIX, "hello-1"), 0.45,
                "6-node two-shard mix ≥ 0.45 × `hello-1`"));
        for (String group : groups(phases)) {
            targets.add(ratio(phases, group, "get", Report.find(phases, group, "hello-1"), 0.8,
                    "GET at a replica ≥ 0.8 × `hello-1`, " + group));
        }
        targets.add(tails(phases));
        targets.add(putLatency(phases));
        targets.add(putGrowth(phases));
        targets.add(ratio(phases, THREE, "mixed", Report.find(phases, Report.ETCD, "etcd-mixed"), 2.5,
                "3-node 50/50 mix ≥ 2.5 × a 3-member etcd"));
        Double idle = extras.idleShares().get(SIX);
        String idleTarget = "an idle 6-node cluster uses ≤ 5 % of the machine";
        targets.add(idle == null ? missing(idleTarget)
                : new Target(idleTarget, String.format(Locale.ROOT, "%.1f %%", 100 * idle), verdict(idle <= 0.05)));
        ReshardRun.Outcome reshard = extras.reshard();
        targets.add(reshard == null ? missing("reshard of 100k keys, 2 → 3 shards, ≤ 3 s")
                : new Target("reshard of " + String.format(Locale.ROOT, "%,d", reshard.keys()) + " keys, 2 → 3 shards, ≤ 3 s",
                        String.format(Locale.ROOT, "answered %.2f s, every key counted in its new shard at %.2f s",
                                reshard.answeredSeconds(), reshard.settledSeconds()),
                        verdict(reshard.settled() && reshard.settledSeconds() <= 3)));
        MemoryFootprint.Footprint memory = extras.memory();
        targets.add(memory == null ? missing("1M keys of 100 B in ≤ 2.5 × payload with multi-shard metadata")
                : new Target(String.format(Locale.ROOT, "%,d keys of %d B in ≤ 2.5 × payload, metadata of %d other shards",
                        memory.keys(), memory.valueSize(), memory.otherShards()),
                        String.format(Locale.ROOT, "%.2f × keys and values (%.2f × the values alone)",
                                memory.timesPayload(), memory.timesValues()),
                        // Judged on the values alone, the stricter reading of "payload" (PERFORMANCE.md, "Memory")
                        verdict(memory.timesValues() <= 2.5)));
        return targets;
    }

    static String table(List<Target> targets) {
        StringBuilder table = new StringBuilder("| target | measured | met? |\n|---|---|---|\n");
        targets.forEach(t -> table.append("| ").append(t.target()).append(" | ").append(t.measured()).append(" | ")
                .append(t.met()).append(" |\n"));
        return table.toString();
    }

    private static List<String> groups(List<Phase> phases) {
        return phases.stream().filter(Phase::causalkv).map(Phase::group).distinct().toList();
    }

    private static Target ratio(List<Phase> phases, String group, String name, Optional<Phase> anchor, double least,
            String target) {
        Optional<Phase> phase = Report.find(phases, group, name);
        if (phase.isEmpty() || anchor.isEmpty()) {
            return missing(target);
        }
        double ratio = phase.get().requestsPerSecond() / anchor.get().requestsPerSecond();
        return new Target(target, String.format(Locale.ROOT, "%s (%s against %s req/s)", num(ratio),
                Report.count(phase.get().requestsPerSecond()), Report.count(anchor.get().requestsPerSecond())),
                verdict(ratio >= least));
    }

    /**
     * p99 ≤ 10 × p50 in every causalkv phase of many connections but each layout's first load
     * (named "load": the first requests a fresh cluster sees, cold JIT); the reshard's load counts.
     */
    private static Target tails(List<Phase> phases) {
        String target = "p99 ≤ 10 × p50 under load (every causalkv phase of many connections but each layout's first, cold, `load`)";
        List<Phase> loaded = phases.stream().filter(p -> p.causalkv() && p.connections() > 1 && !p.name().equals("load"))
                .toList();
        if (loaded.isEmpty()) {
            return missing(target);
        }
        Phase worst = loaded.stream().max((a, b) -> Double.compare(a.tail(), b.tail())).orElseThrow();
        return new Target(target, String.format(Locale.ROOT, "worst %.1f (%s)", worst.tail(), worst.label()),
                verdict(worst.tail() <= 10));
    }

    private static Target putLatency(List<Phase> phases) {
        String target = "PUT at one connection on 3 nodes: p50 ≤ 2 ms + one peer round trip";
        return Report.find(phases, THREE, "put-1").map(p -> new Target(target,
                String.format(Locale.ROOT, "p50 %.2f ms (%s writes/s; judged against 2 ms alone)", p.p50Millis(),
                        Report.count(p.requestsPerSecond())),
                verdict(p.p50Millis() <= 2))).orElse(missing(target));
    }

    /** Writes per second at many connections (`put`) over one connection's (`put-1`), on 3 nodes. */
    private static Target putGrowth(List<Phase> phases) {
        String target = "PUT throughput grows with connections (3 nodes: `put` over `put-1`)";
        Optional<Phase> one = Report.find(phases, THREE, "put-1");
        Optional<Phase> many = Report.find(phases, THREE, "put");
        if (one.isEmpty() || many.isEmpty()) {
            return missing(target);
        }
        double growth = many.get().requestsPerSecond() / one.get().requestsPerSecond();
        return new Target(target, String.format(Locale.ROOT, "%s (%s writes/s at %d connections, %s at 1)", num(growth),
                Report.count(many.get().requestsPerSecond()), many.get().connections(),
                Report.count(one.get().requestsPerSecond())), verdict(growth > 1));
    }

    private static Target missing(String target) {
        return new Target(target, "not measured in this run", "-");
    }

    private static String verdict(boolean met) {
        return met ? "yes" : "**no**";
    }

    private static String num(double x) {
        return String.format(Locale.ROOT, "%.2f ×", x);
    }
}
