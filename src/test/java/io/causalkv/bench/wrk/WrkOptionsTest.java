package io.causalkv.bench.wrk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class WrkOptionsTest {

    @Test
    void defaultsAreIssue19s() {
        WrkOptions o = WrkOptions.parse();
        assertEquals(List.of(1, 3, 6), o.layouts());
        assertEquals(64, o.connections());
        assertEquals(10, o.duration());
        assertEquals(3, o.warmup());
        assertEquals(10_000, o.keys());
        assertEquals(100, o.valueSize());
        assertEquals(0.5, o.reads());
        assertEquals("kvs", o.dialect());
        assertEquals(List.of("bare", "etcd"), o.anchors());
        assertEquals(List.of("memory"), o.storage());
        assertEquals("java", o.generator());
        assertEquals(20, o.idle());
        assertEquals(100_000, o.reshardKeys());
        assertEquals(1_000_000, o.memoryKeys());
        assertEquals(0, WrkOptions.parse("--memory-keys", "0").memoryKeys());
        assertEquals("wrk", WrkOptions.parse("--generator", "wrk").generator());
        assertThrows(IllegalArgumentException.class, () -> WrkOptions.parse("--generator", "ab"));
    }

    @Test
    void anEmptyOrNoneAnchorsSkipsThem() {
        assertEquals(List.of(), WrkOptions.parse("--anchors", "--layouts", "3").anchors());
        assertEquals(List.of(3), WrkOptions.parse("--anchors", "--layouts", "3").layouts());
        assertEquals(List.of(), WrkOptions.parse("--layouts", "3", "--anchors").anchors());
        assertEquals(List.of(), WrkOptions.parse("--anchors", "none").anchors());
        assertEquals(List.of("etcd"), WrkOptions.parse("--anchors", "etcd").anchors());
    }

    @Test
    void layoutsAndStorage() {
        assertEquals("6-node-2-shards", WrkOptions.label(6, "memory"));
        assertEquals("3-node-1-shard-batch", WrkOptions.label(3, "batch"));
        assertEquals(2, WrkOptions.shards(6));
        assertEquals(List.of("DATA_DIR="), WrkOptions.storageEnv("memory"));
        assertEquals(List.of("KVS_FSYNC=interval"), WrkOptions.storageEnv("interval"));
        assertThrows(IllegalArgumentException.class, () -> WrkOptions.parse("--layouts", "4"));
        assertThrows(IllegalArgumentException.class, () -> WrkOptions.parse("--storage", "disk"));
        assertThrows(IllegalArgumentException.class, () -> WrkOptions.parse("--threads", "4"));
    }
}
