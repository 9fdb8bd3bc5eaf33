package dev.llmsse.provider.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import dev.llmsse.provider.testing.Chunkings;
import dev.llmsse.provider.testing.RecordedTranscripts;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every case of {@code sse-conformance/cases.json} through the byte parser: whole, in the case's own
 * chunks, byte by byte, split in two at every offset, and in seeded random chunkings.
 */
class SseConformanceTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TestFactory
    Stream<DynamicTest> everyCaseAtEverySplit() throws IOException {
        Path cases = RecordedTranscripts.dir("sse-conformance").resolve("cases.json");
        JsonNode all = JSON.readTree(Files.readAllBytes(cases));
        assertThat(all.size()).isGreaterThanOrEqualTo(78);
        List<DynamicTest> tests = new ArrayList<>();
        all.forEach(testCase -> tests.add(DynamicTest.dynamicTest(testCase.get("name").asString(),
                () -> check(testCase))));
        return tests.stream();
    }

    private static void check(JsonNode testCase) {
        byte[] body = Chunkings.utf8(testCase.get("input").asString());
        String initialId = testCase.has("initial_last_event_id")
                ? testCase.get("initial_last_event_id").asString() : "";
        Outcome expected = expected(testCase);
        assertThat(parse(List.of(body), initialId)).as("whole body").isEqualTo(expected);
        assertThat(parse(givenChunks(testCase, body), initialId)).as("the case's chunks").isEqualTo(expected);
        assertThat(parse(Chunkings.bytewise(body), initialId)).as("byte by byte").isEqualTo(expected);
        for (int offset = 0; offset <= body.length; offset++) {
            assertThat(parse(Chunkings.splitAt(body, offset), initialId)).as("split at %d", offset)
                    .isEqualTo(expected);
        }
        Random random = new Random(body.length * 31L + 7);
        for (int run = 0; run < 20; run++) {
            assertThat(parse(Chunkings.random(body, random, 1 + run), initialId)).as("random chunking %d", run)
                    .isEqualTo(expected);
        }
    }

    private static List<byte[]> givenChunks(JsonNode testCase, byte[] body) {
        List<byte[]> chunks = new ArrayList<>();
        if (testCase.has("chunks_hex")) {
            testCase.get("chunks_hex").forEach(hex -> chunks.add(Chunkings.hex(hex.asString())));
        } else if (testCase.has("chunks")) {
            testCase.get("chunks").forEach(chunk -> chunks.add(Chunkings.utf8(chunk.asString())));
        } else {
            chunks.add(body);
        }
        return chunks;
    }

    private static Outcome expected(JsonNode testCase) {
        List<Dispatched> events = new ArrayList<>();
        testCase.get("expected").forEach(event -> events.add(new Dispatched(event.get("event").asString(),
                event.get("data").asString(), event.get("id").asString())));
        List<Long> retries = new ArrayList<>();
        testCase.get("expected_retry").forEach(retry -> retries.add(retry.asLong()));
        return new Outcome(events, retries, testCase.get("expected_last_event_id").asString());
    }

    static Outcome parse(List<byte[]> chunks, String initialId) {
        List<Dispatched> events = new ArrayList<>();
        List<Long> retries = new ArrayList<>();
        SseParser parser = new SseParser(DecodeLimits.DEFAULT, new SseParser.Listener() {
            @Override
            public void event(SseEvent event) {
                events.add(new Dispatched(event.type(), event.text(), event.lastEventId()));
            }

            @Override
            public void retry(long millis) {
                retries.add(millis);
            }
        }, null, initialId);
        chunks.forEach(chunk -> parser.feed(chunk, 0, chunk.length));
        return new Outcome(events, retries, parser.lastEventId());
    }

    record Dispatched(String event, String data, String id) {
    }

    record Outcome(List<Dispatched> events, List<Long> retries, String lastEventId) {
    }
}
