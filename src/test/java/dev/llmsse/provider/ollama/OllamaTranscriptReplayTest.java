package dev.llmsse.provider.ollama;

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

/** Every Ollama NDJSON transcript, shared and our own, at every split. */
class OllamaTranscriptReplayTest {

    static final Function<Flux<DataBuffer>, Flux<StreamEvent>> PIPELINE =
            body -> OllamaProvider.decode(body, DecodeLimits.DEFAULT);

    @TestFactory
    Stream<DynamicTest> sharedTranscripts() {
        return replays(RecordedTranscripts.dir("ollama"), OllamaTranscriptReplayTest::expected);
    }

    @TestFactory
    Stream<DynamicTest> ownTranscripts() {
        return replays(TestTranscripts.dir("ollama"), Reconstructed::fromJson);
    }

    private static Stream<DynamicTest> replays(Path folder, Function<JsonNode, Reconstructed> expected) {
        return Replay.transcripts(folder, "ndjson").stream().map(file -> DynamicTest.dynamicTest(
                file.getFileName().toString(), () -> Replay.everySplit(PIPELINE, Replay.bytes(file),
                        expected.apply(WireJson.parse(Replay.bytes(Replay.expectedFor(file)))))));
    }

    static Reconstructed expected(JsonNode expected) {
        List<Reconstructed.Tool> tools = new ArrayList<>();
        expected.path("tool_calls").forEach(call -> tools.add(new Reconstructed.Tool(null,
                call.path("function").path("name").asString(), WireJson.text(call.path("function").path("arguments")),
                true)));
        String text = expected.path("assistant_text").asString();
        if (!expected.path("error").isNull()) {
            return new Reconstructed(text, tools, "error:upstream_error", null);
        }
        if (!expected.path("done").asBoolean()) {
            return new Reconstructed(text, tools, "error:truncated", null);
        }
        JsonNode usage = expected.path("usage");
        Long input = WireJson.number(usage, "prompt_eval_count");
        Long output = WireJson.number(usage, "eval_count");
        return new Reconstructed(text, tools,
                "done:" + ChatChunkMapper.finishReason(expected.path("done_reason").asString(null), !tools.isEmpty()),
                input == null && output == null ? null : new StreamEvent.Usage(input, output, null));
    }
}
