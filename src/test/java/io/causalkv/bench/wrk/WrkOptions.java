package io.causalkv.bench.wrk;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The options of {@link WrkBench}, with the defaults of issue 19's benchmark. */
record WrkOptions(List<Integer> layouts, int connections, int duration, int warmup, int keys, int valueSize,
                  double reads, String dialect, List<String> anchors, List<String> storage, String generator,
                  int idle, int reshardKeys, int memoryKeys, String out) {

    private static final List<String> DIALECTS = List.of("kvs", "key-value-store", "kvs-keys");
    private static final List<String> STORAGE = List.of("memory", "batch", "interval", "none");
    /** java: {@link SessionGenerator} (the default); wrk: session.lua, one wrk thread per connection. */
    private static final List<String> GENERATORS = List.of("java", "wrk");

    static WrkOptions parse(String... args) {
        Map<String, String> o = new LinkedHashMap<>(Map.of("layouts", "1,3,6", "connections", "64", "duration", "10",
                "warmup", "3", "keys", "10000", "value-size", "100", "reads", "0.5", "dialect", "kvs",
                "anchors", "bare,etcd", "storage", "memory"));
        o.put("generator", "java");
        // After each layout's phases: its CPU with no client over this many seconds (0: not measured).
        o.put("idle", "20");
        // On the 6-node layout: a reshard from 2 to 3 shards once this many keys are loaded (0: none).
        o.put("reshard-keys", "100000");
        // Heap of one replica of this many keys with multi-shard metadata (MemoryFootprint; 0: not measured).
        o.put("memory-keys", "1000000");
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
        if (!GENERATORS.contains(o.get("generator"))) {
            throw new IllegalArgumentException("generators are " + GENERATORS);
        }
        WrkOptions options = new WrkOptions(layouts, Integer.parseInt(o.get("connections")),
                Integer.parseInt(o.get("duration")), Integer.parseInt(o.get("warmup")), Integer.parseInt(o.get("keys")),
                Integer.parseInt(o.get("value-size")), Double.parseDouble(o.get("reads")), o.get("dialect"), anchors,
                storage, o.get("generator"), Integer.parseInt(o.get("idle")), Integer.parseInt(o.get("reshard-keys")),
                Integer.parseInt(o.get("memory-keys")), o.get("out"));
        if (options.connections() < 1 || options.duration() < 1 || options.warmup() < 0 || options.keys() < 1
                || options.reads() < 0 || options.reads() > 1 || options.idle() < 0 || options.reshardKeys() < 0
                || options.memoryKeys() < 0) {
            throw new IllegalArgumentException("connections, duration and keys must be positive, warmup, idle, "
                    + "reshard-keys and memory-keys not negative, reads within [0, 1]");
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
        map.put("generator", generator);
        map.put("idle_s", idle);
        map.put("reshard_keys", reshardKeys);
        map.put("memory_keys", memoryKeys);
        return map;
    }
}
