package dev.llmsse.provider.ollama;

import static java.util.Map.entry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.llmsse.chat.StreamEvent;
import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.testing.Reconstructed;
import dev.llmsse.provider.testing.RecordedTranscripts;
import dev.llmsse.provider.testing.Replay;
import dev.llmsse.provider.testing.TestTranscripts;
import dev.llmsse.provider.wire.DecodeLimits;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.core.io.buffer.DataBuffer;

import reactor.core.publisher.Flux;

import tools.jackson.databind.JsonNode;

/** Every Ollama NDJSON transcript, recorded and our own, at every split. */
class OllamaTranscriptReplayTest {

    static final Function<Flux<DataBuffer>, Flux<StreamEvent>> PIPELINE =
            body -> OllamaProvider.WIRE.decode(body, DecodeLimits.DEFAULT);

    /** How each recording must end; its {@code expected.json}'s {@code done_reason} in the comment. */
    static final Map<String, String> OUTCOMES = Map.ofEntries(
            entry("chat-stream-constructed", "done:stop"), // done, no done_reason
            entry("chat-stream-tools-constructed", "done:tool_calls"), // stop, with a tool call
            entry("generate-stream-error-midstream", "error:upstream_error"), // an {"error"} line
            entry("generate-stream", "done:stop")); // stop

    @TestFactory
    Stream<DynamicTest> recordedTranscripts() {
        return Stream.concat(Stream.of(Replay.tableListsEveryTranscript(OUTCOMES, RecordedTranscripts.dir("ollama"),
                "ndjson")), Replay.replays(RecordedTranscripts.dir("ollama"), "ndjson", PIPELINE,
                OllamaTranscriptReplayTest::expected));
    }

    @TestFactory
    Stream<DynamicTest> ownTranscripts() {
        return Replay.replays(TestTranscripts.dir("ollama"), "ndjson", PIPELINE, Replay.OWN);
    }

    /** A recording's text, tool calls and usage from its {@code expected.json}; its outcome from {@link #OUTCOMES}. */
    static Reconstructed expected(String transcript, JsonNode expected) {
        List<Reconstructed.Tool> tools = new ArrayList<>();
        expected.path("tool_calls").forEach(call -> tools.add(new Reconstructed.Tool(null,
                call.path("function").path("name").asString(), WireJson.text(call.path("function").path("arguments")),
                true)));
        String text = expected.path("assistant_text").asString();
        String outcome = Replay.outcome(OUTCOMES, transcript);
        if (outcome.startsWith("error:")) {
            return new Reconstructed(text, tools, outcome, null);
        }
        JsonNode usage = expected.path("usage");
        Long input = WireJson.number(usage, "prompt_eval_count");
        Long output = WireJson.number(usage, "eval_count");
        return new Reconstructed(text, tools, outcome,
                input == null && output == null ? null : new StreamEvent.Usage(input, output, null));
    }
}
