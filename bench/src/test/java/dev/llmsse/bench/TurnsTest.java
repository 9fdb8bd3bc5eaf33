package dev.llmsse.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class TurnsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void turnsAreSummedAndTheirRateIsTheirTokensOverTheirWindows() {
        JsonNode merged = Turns.merge(List.of(turn("b-gateway.r1", 1000, 30, 20_000, 40.0, 2000),
                turn("b-gateway.r4", 500, 20, 10_000, 20.0, 4000)));

        JsonNode measure = merged.path("measure");
        assertEquals(1500, measure.path("tokens").asLong());
        assertEquals(50.0, measure.path("windowSeconds").asDouble());
        // (20,000 × 30 + 10,000 × 20) / 50
        assertEquals(16_000.0, measure.path("tokenEventsPerSecond").asDouble());
        assertEquals(3000, measure.path("ttftMicros").path("p99").asLong());
        assertEquals(8000, measure.path("ttftMicros").path("max").asLong());
        assertEquals(20, measure.path("ttftMicros").path("count").asLong());
        assertEquals(60.0, merged.path("processes").path("server").path("cpuSeconds").asDouble());
        assertEquals(40_000.0, Report.cpuMicrosPerEvent(merged));
        assertEquals(6, merged.path("upstream").path("connectionsOpened").asLong());
        assertEquals(2, merged.path("turns").size());
        assertEquals("b-gateway.r4", merged.path("turns").get(1).path("label").asString());
    }

    private static JsonNode turn(String label, long tokens, double window, double rate, double cpuSeconds, long p99) {
        return JSON.readTree("""
                {"label": "%s",
                 "measure": {"started": 10, "completed": 10, "tokens": %d, "windowSeconds": %s,
                             "tokenEventsPerSecond": %s, "errorKinds": {},
                             "ttftMicros": {"count": 10, "p50": 1000, "p99": %d, "max": %d}},
                 "processes": {"server": {"cpuSeconds": %s, "cpuPercent": 100, "cpuWaitPercent": 50}},
                 "upstream": {"connectionsOpened": 3, "activeMax": 7}}
                """.formatted(label, tokens, window, rate, p99, 2 * p99, cpuSeconds));
    }
}
