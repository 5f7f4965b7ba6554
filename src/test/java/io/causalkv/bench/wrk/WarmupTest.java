package io.causalkv.bench.wrk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class WarmupTest {

    @Test
    void aSlowClimbInsideTheNoiseOfNeighbouringRunsIsNotSettled() {
        // six nodes warming (5 s runs): each within 10 % of the one before, a fifth up over 30 s
        List<Double> climbing = List.of(1000.0, 1060.0, 1040.0, 1110.0, 1150.0, 1230.0);
        assertEquals(0.233, Warmup.rise(climbing), 0.001); // slope 42.6 req/s per run, over 6 runs, of a mean of 1,098
        assertFalse(Warmup.settled(climbing));
    }

    @Test
    void noiseAroundAFlatRateOrAFallIsSettled() {
        assertTrue(Warmup.settled(List.of(5100.0, 5000.0, 5300.0, 4800.0, 5200.0, 4900.0, 5100.0)));
        assertTrue(Warmup.settled(List.of(500.0, 5000.0, 4900.0, 4800.0, 4700.0, 4600.0, 4500.0, 4400.0)),
                "only the last seven runs count");
        assertFalse(Warmup.settled(List.of(5000.0, 5300.0, 4800.0, 5200.0, 4900.0, 5100.0)),
                "flat at one check only: six runs are one window");
    }

    @Test
    void fewerRunsThanTheWindowAreNotSettled() {
        assertFalse(Warmup.settled(List.of(5000.0, 5000.0, 5000.0)));
        assertFalse(Warmup.settled(List.of(1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 2000.0)),
                "flat one run ago, rising now");
        assertTrue(Double.isNaN(Warmup.rise(List.of(1.0))));
    }
}
