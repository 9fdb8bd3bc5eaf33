package dev.llmsse.provider.gemini;

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

/** Every Gemini transcript, recorded and our own, at every split. */
class GeminiTranscriptReplayTest {

    static final Function<Flux<DataBuffer>, Flux<StreamEvent>> PIPELINE =
            body -> GeminiProvider.WIRE.decode(body, DecodeLimits.DEFAULT);

    /** How each recording must end; its {@code expected.json}'s {@code finish_reason} in the comment. */
    static final Map<String, String> OUTCOMES = Map.ofEntries(
            entry("stream-error-midstream", "error:upstream_error"), // STOP, then a bare JSON error document
            entry("stream-function-call-vertex", "done:tool_calls"), // STOP with a function call
            entry("stream-prompt-blocked", "error:truncated"), // its only event has no blank line after it
            entry("stream-text-long", "done:stop"), // STOP
            entry("stream-text-short", "done:stop"), // STOP
            entry("stream-thinking-function-call", "done:tool_calls"), // STOP with a function call
            entry("stream-utf8-cjk", "done:stop")); // STOP

    @TestFactory
    Stream<DynamicTest> recordedTranscripts() {
        return Stream.concat(Stream.of(Replay.tableListsEveryTranscript(OUTCOMES, RecordedTranscripts.dir("gemini"),
                "sse")), Replay.replays(RecordedTranscripts.dir("gemini"), "sse", PIPELINE,
                GeminiTranscriptReplayTest::expected));
    }

    @TestFactory
    Stream<DynamicTest> ownTranscripts() {
        return Replay.replays(TestTranscripts.dir("gemini"), "sse", PIPELINE, Replay.OWN);
    }

    /**
     * A recording's text, thoughts, function calls and usage from its {@code expected.json} (output tokens count the
     * thinking tokens too, as Gemini bills them); its outcome from {@link #OUTCOMES}.
     */
    static Reconstructed expected(String transcript, JsonNode expected) {
        List<Reconstructed.Tool> tools = new ArrayList<>();
        expected.path("function_calls").forEach(call -> tools.add(new Reconstructed.Tool(null,
                call.path("name").asString(), WireJson.text(call.path("args")), true)));
        String text = expected.path("assistant_text").asString();
        String outcome = Replay.outcome(OUTCOMES, transcript);
        JsonNode usage = expected.path("usage_metadata_last");
        StreamEvent.Usage expectedUsage = null;
        if (usage.isObject() && outcome.startsWith("done:")) {
            Long candidates = WireJson.number(usage, "candidatesTokenCount");
            Long thoughts = WireJson.number(usage, "thoughtsTokenCount");
            expectedUsage = new StreamEvent.Usage(WireJson.number(usage, "promptTokenCount"),
                    (candidates == null ? 0 : candidates) + (thoughts == null ? 0 : thoughts), thoughts);
        }
        // Consecutive thought parts are one reasoning block, ended by the first part that is no thought.
        String thoughts = expected.path("thought_text").asString("");
        return new Reconstructed(text, tools, outcome, expectedUsage)
                .withReasoning(thoughts.isEmpty() ? List.of() : List.of(thoughts));
    }
}
