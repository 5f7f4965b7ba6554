package io.causalkv.bench.wrk;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The options of {@link WrkBench}, with the defaults of issue 19's benchmark. */
record WrkOptions(List<Integer> layouts, int connections, int duration, int warmup, int keys, int valueSize,
                  double reads, String dialect, List<String> anchors, List<String> storage, String out) {

    private static final List<String> DIALECTS = List.of("kvs", "key-value-store", "kvs-keys");
    private static final List<String> STORAGE = List.of("memory", "batch", "interval", "none");

    static WrkOptions parse(String... args) {
        Map<String, String> o = new LinkedHashMap<>(Map.of("layouts", "1,3,6", "connections", "64", "duration", "10",
                "warmup", "3", "keys", "10000", "value-size", "100", "reads", "0.5", "dialect", "kvs",
                "anchors", "bare,etcd", "storage", "memory"));
        o.put("out", "target/bench/results.json");
        // An option with an empty value ("--anchors ''") reaches here with no value at all (bin/bench
        // passes its arguments through exec.args, which drops empty ones): it is followed by the
        // next option or by nothing.
        for (int i = 0; i < args.length; i++) {
            String name = args[i].replaceFirst("^--", "");
            if (!args[i].startsWith("--") || !o.containsKey(name)) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; options: " + o.keySet());
            }
            boolean valued = i + 1 < args.length && !args[i + 1].startsWith("--");
            o.put(name, valued ? args[++i] : "");
        }
        List<Integer> layouts = list(o.get("layouts")).stream().map(Integer::parseInt).toList();
        for (int nodes : layouts) {
            shards(nodes);
        }
        List<String> anchors = list(o.get("anchors")).stream().filter(a -> !a.equals("none")).toList();
        if (!List.of("bare", "etcd").containsAll(anchors)) {
            throw new IllegalArgumentException("anchors are bare and etcd (or none)");
        }
        List<String> storage = list(o.get("storage"));
        if (storage.isEmpty() || !STORAGE.containsAll(storage)) {
            throw new IllegalArgumentException("storage kinds are " + STORAGE);
        }
        if (!DIALECTS.contains(o.get("dialect"))) {
            throw new IllegalArgumentException("dialects are " + DIALECTS);
        }
        WrkOptions options = new WrkOptions(layouts, Integer.parseInt(o.get("connections")),
                Integer.parseInt(o.get("duration")), Integer.parseInt(o.get("warmup")), Integer.parseInt(o.get("keys")),
                Integer.parseInt(o.get("value-size")), Double.parseDouble(o.get("reads")), o.get("dialect"), anchors,
                storage, o.get("out"));
        if (options.connections() < 1 || options.duration() < 1 || options.warmup() < 0 || options.keys() < 1
                || options.reads() < 0 || options.reads() > 1) {
            throw new IllegalArgumentException("connections, duration and keys must be positive, warmup not negative, "
                    + "reads within [0, 1]");
        }
        return options;
    }

    private static List<String> list(String text) {
        return Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The layouts of bin/bench: 1 node; 3 nodes in one replicated shard; 6 nodes in 2 shards. */
    static int shards(int nodes) {
        return switch (nodes) {
            case 1, 3 -> 0;
            case 6 -> 2;
            default -> throw new IllegalArgumentException("layouts are 1, 3 and 6");
        };
    }

    static String label(int nodes, String storage) {
        String layout = switch (nodes) {
            case 1 -> "1-node";
            case 3 -> "3-node-1-shard";
            default -> nodes + "-node-" + shards(nodes) + "-shards";
        };
        return storage.equals("memory") ? layout : layout + "-" + storage;
    }

    /** memory: no data directory (DATA_DIR set empty); else a data directory with that KVS_FSYNC policy. */
    static List<String> storageEnv(String storage) {
        return storage.equals("memory") ? List.of("DATA_DIR=") : List.of("KVS_FSYNC=" + storage);
    }

    Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("layouts", layouts);
        map.put("connections", connections);
        map.put("duration_s", duration);
        map.put("warmup_s", warmup);
        map.put("keys", keys);
        map.put("value_size", valueSize);
        map.put("reads", reads);
        map.put("dialect", dialect);
        map.put("anchors", anchors);
        map.put("storage", storage);
        return map;
    }
}
