package dev.llmsse.provider.anthropic;

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

/** Every Anthropic Messages transcript, recorded and our own, at every split. */
class AnthropicTranscriptReplayTest {

    static final Function<Flux<DataBuffer>, Flux<StreamEvent>> PIPELINE =
            body -> AnthropicProvider.WIRE.decode(body, DecodeLimits.DEFAULT);

    /** How each recording must end; its {@code expected.json}'s {@code stop_reason} in the comment. */
    static final Map<String, String> OUTCOMES = Map.ofEntries(
            entry("messages-error-overloaded-midstream-constructed", "error:upstream_error"), // event: error
            entry("messages-max-tokens-partial-tool-json-sdkfixture", "error:truncated"), // max_tokens, no message_stop
            entry("messages-text-after-tool-result", "done:stop"), // end_turn
            entry("messages-text-then-tool-use-sdkfixture", "error:truncated"), // tool_use, no message_stop
            entry("messages-text", "done:stop"), // end_turn
            entry("messages-tool-use", "done:tool_calls")); // tool_use

    @TestFactory
    Stream<DynamicTest> recordedTranscripts() {
        return Stream.concat(Stream.of(Replay.tableListsEveryTranscript(OUTCOMES, RecordedTranscripts.dir("anthropic"),
                "sse")), Replay.replays(RecordedTranscripts.dir("anthropic"), "sse", PIPELINE,
                AnthropicTranscriptReplayTest::expected));
    }

    @TestFactory
    Stream<DynamicTest> ownTranscripts() {
        return Replay.replays(TestTranscripts.dir("anthropic"), "sse", PIPELINE, Replay.OWN);
    }

    /** A recording's text, tool calls and usage from its {@code expected.json}; its outcome from {@link #OUTCOMES}. */
    static Reconstructed expected(String transcript, JsonNode expected) {
        List<Reconstructed.Tool> tools = new ArrayList<>();
        expected.path("content_blocks").forEach(block -> {
            if ("tool_use".equals(block.path("type").asString())) {
                tools.add(new Reconstructed.Tool(block.path("id").asString(), block.path("name").asString(),
                        block.path("input_json").asString(), block.path("stopped").asBoolean()));
            }
        });
        String text = expected.path("assistant_text").asString();
        String outcome = Replay.outcome(OUTCOMES, transcript);
        if (outcome.startsWith("error:")) {
            return new Reconstructed(text, tools, outcome, null);
        }
        JsonNode usage = expected.path("usage");
        return new Reconstructed(text, tools, outcome, new StreamEvent.Usage(WireJson.number(usage, "input_tokens"),
                WireJson.number(usage, "output_tokens_final"), null));
    }
}
