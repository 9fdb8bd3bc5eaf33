package dev.llmsse.provider.anthropic;

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

/** Every Anthropic Messages transcript, shared and our own, at every split. */
class AnthropicTranscriptReplayTest {

    static final Function<Flux<DataBuffer>, Flux<StreamEvent>> PIPELINE =
            body -> AnthropicProvider.decode(body, DecodeLimits.DEFAULT);

    @TestFactory
    Stream<DynamicTest> sharedTranscripts() {
        return replays(RecordedTranscripts.dir("anthropic"), AnthropicTranscriptReplayTest::expected);
    }

    @TestFactory
    Stream<DynamicTest> ownTranscripts() {
        return replays(TestTranscripts.dir("anthropic"), Reconstructed::fromJson);
    }

    private static Stream<DynamicTest> replays(Path folder, Function<JsonNode, Reconstructed> expected) {
        return Replay.transcripts(folder, "sse").stream().map(file -> DynamicTest.dynamicTest(
                file.getFileName().toString(), () -> Replay.everySplit(PIPELINE, Replay.bytes(file),
                        expected.apply(WireJson.parse(Replay.bytes(Replay.expectedFor(file)))))));
    }

    /** The shared {@code expected.json}: an error event or a missing {@code message_stop} ends in an error. */
    static Reconstructed expected(JsonNode expected) {
        List<Reconstructed.Tool> tools = new ArrayList<>();
        expected.path("content_blocks").forEach(block -> {
            if ("tool_use".equals(block.path("type").asString())) {
                tools.add(new Reconstructed.Tool(block.path("id").asString(), block.path("name").asString(),
                        block.path("input_json").asString(), block.path("stopped").asBoolean()));
            }
        });
        String text = expected.path("assistant_text").asString();
        if (!expected.path("errors").isEmpty()) {
            return new Reconstructed(text, tools, "error:upstream_error", null);
        }
        if (!expected.path("ended_with_message_stop").asBoolean()) {
            return new Reconstructed(text, tools, "error:truncated", null);
        }
        JsonNode usage = expected.path("usage");
        return new Reconstructed(text, tools,
                "done:" + MessagesMapper.finishReason(expected.path("stop_reason").asString(null)),
                new StreamEvent.Usage(WireJson.number(usage, "input_tokens"),
                        WireJson.number(usage, "output_tokens_final"), null));
    }
}
