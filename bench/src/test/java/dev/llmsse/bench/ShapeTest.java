package dev.llmsse.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class ShapeTest {

    private static final Shape DEFAULTS = new Shape(100, 20_000_000, 0);

    @Test
    void queryBeatsModelNameBeatsDefaults() {
        assertEquals(new Shape(7, 5_000_000, 0),
                Shape.resolve(DEFAULTS, Map.of("tokens", List.of("7"), "delay_ms", List.of("5")), "mock-t50-d1", null));
        assertEquals(new Shape(50, 1_000_000, 2_000_000_000L),
                Shape.resolve(DEFAULTS, Map.of(), "mock-t50-d1-f2000", null));
        assertEquals(new Shape(100, 500_000, 0), Shape.resolve(DEFAULTS, Map.of(), "mock-d0.5", null));
        assertEquals(DEFAULTS, Shape.resolve(DEFAULTS, Map.of(), "mock", null));
    }

    @Test
    void maxTokensCaps() {
        assertEquals(new Shape(10, 20_000_000, 0), Shape.resolve(DEFAULTS, Map.of(), "mock-t50", 10));
    }

    @Test
    void heapUsedFromJcmd() {
        assertEquals(52133, Report.heapUsedKb(
                "12345:\n garbage-first heap   total 1048576K, used 52133K [0x00000000c0000000, 0x0000000100000000)\n"));
    }
}
