package io.causalkv.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A benchmark run's settings, from command-line arguments ({@code --name value}):
 * {@code --targets host:port,...} (the nodes clients talk to, sessions spread over them),
 * {@code --connections 64}, {@code --duration 10} and {@code --warmup 3} (seconds per phase),
 * {@code --keys 10000}, {@code --value-size 100}, {@code --reads 0.5} (the mixed phase's share of
 * GETs), {@code --dialect kvs|key-value-store|kvs-keys}, {@code --label text}, {@code --out file}.
 */
record BenchConfig(List<String> targets, int connections, Duration duration, Duration warmup, int keys, int valueSize,
                   double readFraction, String dialect, String label, Path out) {

    static BenchConfig parse(String... args) {
        List<String> targets = List.of("127.0.0.1:8091");
        int connections = 64;
        Duration duration = Duration.ofSeconds(10);
        Duration warmup = Duration.ofSeconds(3);
        int keys = 10_000;
        int valueSize = 100;
        double reads = 0.5;
        String dialect = "kvs";
        String label = "run";
        Path out = Path.of("target/bench/result.json");
        for (int i = 0; i + 1 < args.length; i += 2) {
            String value = args[i + 1];
            switch (args[i]) {
                case "--targets" -> targets = List.of(value.split(","));
                case "--connections" -> connections = positive(args[i], Integer.parseInt(value));
                case "--duration" -> duration = Duration.ofSeconds(positive(args[i], Integer.parseInt(value)));
                case "--warmup" -> warmup = Duration.ofSeconds(Integer.parseInt(value));
                case "--keys" -> keys = positive(args[i], Integer.parseInt(value));
                case "--value-size" -> valueSize = positive(args[i], Integer.parseInt(value));
                case "--reads" -> reads = Double.parseDouble(value);
                case "--dialect" -> dialect = value;
                case "--label" -> label = value;
                case "--out" -> out = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (args.length % 2 != 0) {
            throw new IllegalArgumentException("options come in pairs: --name value");
        }
        if (reads < 0 || reads > 1) {
            throw new IllegalArgumentException("--reads is a fraction from 0 to 1");
        }
        if (!List.of("kvs", "key-value-store", "kvs-keys").contains(dialect)) {
            throw new IllegalArgumentException("--dialect is kvs, key-value-store or kvs-keys");
        }
        return new BenchConfig(new ArrayList<>(targets), connections, duration, warmup, keys, valueSize, reads, dialect,
                label, out);
    }

    private static int positive(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " must be at least 1");
        }
        return value;
    }
}
