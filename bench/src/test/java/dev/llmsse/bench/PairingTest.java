package dev.llmsse.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class PairingTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void aRoutesRateIsItsTokensPerSecondOfItsOwnStreamsTime() {
        PhaseStats stats = new PhaseStats();
        stats.tokens = 12_000;
        stats.openNanos = TimeUnit.SECONDS.toNanos(61);
        Map<String, Object> measure = new LinkedHashMap<>(Map.of("windowSeconds", 120.0, "tokenEventsPerSecond", 198.0));
        Pairing.perRoute(measure, stats, 1);
        assertEquals(196.721, measure.get("tokenEventsPerSecond"));
        assertEquals(198.0, measure.get("windowTokenEventsPerSecond"));
        assertEquals(61.0, measure.get("openSeconds"));
    }

    @Test
    void theDoorLineSaysPairedWithEachRoutesStreams() {
        String paired = "\"paired\":{\"primaryStreams\":60,\"alternateStreams\":59}";
        JsonNode gateway = result(paired, 198.0, 9000, 5300);
        JsonNode door = result(paired, 197.0, 9200, 5350);
        String line = Report.doorFacts(door, gateway, null);
        assertTrue(line.contains("**paired**"), line);
        assertTrue(line.contains("60 `/api/llm`, 59 door"), line);
        assertTrue(line.contains("TTFT p99 **1.02×**") && line.contains("target within 5%: met"), line);

        String separate = Report.doorFacts(result("\"x\":0", 198.0, 9000, 5300), gateway, null);
        assertFalse(separate.contains("paired"), separate);
    }

    @Test
    void aPercentileWithFewerThanFiveSamplesBeyondItIsNotJudged() {
        JsonNode gateway = counted(60, 5000, 7000, 9000);
        JsonNode door = counted(60, 5100, 7200, 14000);
        assertEquals("p90", Report.judgedPercentile(door, gateway, "ttftMicros"));
        String line = Report.doorFacts(door, gateway, null);
        assertTrue(line.contains("TTFT p90 **1.03×**") && line.contains("met;"), line);
        assertTrue(line.contains("TTFT p99 1.56× not judged"), line);

        assertEquals("p99", Report.judgedPercentile(counted(9000, 1, 1, 1), counted(500, 1, 1, 1), "ttftMicros"));
        assertEquals("p50", Report.judgedPercentile(counted(49, 1, 1, 1), counted(9000, 1, 1, 1), "ttftMicros"));
    }

    private static JsonNode counted(long count, long p50, long p90, long p99) {
        String ttft = "{\"count\":" + count + ",\"p50\":" + p50 + ",\"p90\":" + p90 + ",\"p99\":" + p99 + "}";
        return JSON.readTree("{\"measure\":{\"tokenEventsPerSecond\":200,\"ttftMicros\":" + ttft
                + ",\"gapMicros\":{\"count\":12000,\"p99\":5300}}}");
    }

    private static JsonNode result(String extra, double rate, long ttftP99, long gapP99) {
        return JSON.readTree("{" + extra + ",\"measure\":{\"tokenEventsPerSecond\":" + rate
                + ",\"ttftMicros\":{\"p99\":" + ttftP99 + "},\"gapMicros\":{\"p99\":" + gapP99 + "}}}");
    }
}
