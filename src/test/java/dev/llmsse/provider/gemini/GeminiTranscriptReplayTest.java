package dev.llmsse.provider.gemini;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.testing.Reconstructed;
import dev.llmsse.provider.testing.RecordedTranscripts;
import dev.llmsse.provider.testing.Replay;
import dev.llmsse.provider.testing.TestTranscripts;
import dev.llmsse.provider.wire.DecodeLimits;
import dev.llmsse.stream.StreamEvent;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.core.io.buffer.DataBuffer;

import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

/** Every Gemini transcript, shared and our own, at every split. */
class GeminiTranscriptReplayTest {

    static final Function<Flux<DataBuffer>, Flux<StreamEvent>> PIPELINE =
            body -> GeminiProvider.decode(body, DecodeLimits.DEFAULT);

    @TestFactory
    Stream<DynamicTest> sharedTranscripts() {
        return replays(RecordedTranscripts.dir("gemini"), GeminiTranscriptReplayTest::expected);
    }

    @TestFactory
    Stream<DynamicTest> ownTranscripts() {
        return replays(TestTranscripts.dir("gemini"), Reconstructed::fromJson);
    }

    private static Stream<DynamicTest> replays(Path folder, Function<JsonNode, Reconstructed> expected) {
        return Replay.transcripts(folder, "sse").stream().map(file -> DynamicTest.dynamicTest(
                file.getFileName().toString(), () -> Replay.everySplit(PIPELINE, Replay.bytes(file),
                        expected.apply(WireJson.parse(Replay.bytes(Replay.expectedFor(file)))))));
    }

    /**
     * The shared {@code expected.json}. No finish reason (and no blocked prompt) is a truncation; content
     * outside the event stream (Google's bare JSON error document) is an in-band error.
     */
    static Reconstructed expected(JsonNode expected) {
        List<Reconstructed.Tool> tools = new ArrayList<>();
        expected.path("function_calls").forEach(call -> tools.add(new Reconstructed.Tool(null,
                call.path("name").asString(), WireJson.text(call.path("args")), true)));
        String text = expected.path("assistant_text").asString();
        String finish = expected.path("finish_reason").asString(null);
        if (finish == null && expected.path("prompt_block_reason").isNull()) {
            return new Reconstructed(text, tools, "error:truncated", null);
        }
        if (!expected.path("errors").isEmpty() || expected.path("non_sse_trailing_content").asBoolean()) {
            return new Reconstructed(text, tools, "error:upstream_error", null);
        }
        String reason = finish == null ? "content_filter" : GenerateContentMapper.finishReason(finish);
        JsonNode usage = expected.path("usage_metadata_last");
        StreamEvent.Usage expectedUsage = null;
        if (usage.isObject()) {
            Long candidates = WireJson.number(usage, "candidatesTokenCount");
            Long thoughts = WireJson.number(usage, "thoughtsTokenCount");
            expectedUsage = new StreamEvent.Usage(WireJson.number(usage, "promptTokenCount"),
                    (candidates == null ? 0 : candidates) + (thoughts == null ? 0 : thoughts), thoughts);
        }
        return new Reconstructed(text, tools, "done:" + ("stop".equals(reason) && !tools.isEmpty()
                ? "tool_calls" : reason), expectedUsage);
    }
}
