package dev.llmsse.provider.openai;

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

/** Every OpenAI Chat Completions and Responses transcript, recorded and our own, at every split. */
class OpenAiTranscriptReplayTest {

    static final Function<Flux<DataBuffer>, Flux<StreamEvent>> CHAT =
            body -> OpenAiChatProvider.WIRE.decode(body, DecodeLimits.DEFAULT);
    static final Function<Flux<DataBuffer>, Flux<StreamEvent>> RESPONSES =
            body -> OpenAiResponsesProvider.WIRE.decode(body, DecodeLimits.DEFAULT);

    /** How each Chat Completions recording must end; its first choice's {@code finish_reason} in the comment. */
    static final Map<String, String> CHAT_OUTCOMES = Map.ofEntries(
            entry("chat-finish-length", "done:length"), // length
            entry("chat-include-usage-obfuscation", "done:stop"), // stop
            entry("chat-n3-choices", "done:stop"), // stop
            entry("chat-parallel-tool-calls", "done:tool_calls"), // tool_calls
            entry("chat-refusal", "done:stop"), // stop, the refusal streamed as text
            entry("chat-text", "done:stop"), // stop
            entry("chat-tool-call", "done:tool_calls")); // tool_calls

    /** How each Responses recording must end; its {@code final_status} in the comment. */
    static final Map<String, String> RESPONSES_OUTCOMES = Map.ofEntries(
            entry("responses-function-call", "done:tool_calls"), // completed, with a function call
            entry("responses-reasoning-summary-large", "done:stop"), // completed
            entry("responses-text", "done:stop")); // completed

    @TestFactory
    Stream<DynamicTest> recordedChatTranscripts() {
        return Stream.concat(Stream.of(Replay.tableListsEveryTranscript(CHAT_OUTCOMES,
                RecordedTranscripts.dir("openai"), "sse")), Replay.replays(RecordedTranscripts.dir("openai"), "sse",
                CHAT, OpenAiTranscriptReplayTest::expectedChat));
    }

    @TestFactory
    Stream<DynamicTest> recordedResponsesTranscripts() {
        return Stream.concat(Stream.of(Replay.tableListsEveryTranscript(RESPONSES_OUTCOMES,
                RecordedTranscripts.dir("openai-responses"), "sse")), Replay.replays(
                RecordedTranscripts.dir("openai-responses"), "sse", RESPONSES,
                OpenAiTranscriptReplayTest::expectedResponses));
    }

    @TestFactory
    Stream<DynamicTest> ownChatTranscripts() {
        return Replay.replays(TestTranscripts.dir("openai"), "sse", CHAT, Replay.OWN);
    }

    @TestFactory
    Stream<DynamicTest> ownResponsesTranscripts() {
        return Replay.replays(TestTranscripts.dir("openai-responses"), "sse", RESPONSES, Replay.OWN);
    }

    /** A recording's first choice and usage from its {@code expected.json}; its outcome from {@link #CHAT_OUTCOMES}. */
    static Reconstructed expectedChat(String transcript, JsonNode expected) {
        JsonNode choice = expected.path("choices").path(0);
        String text = orEmpty(choice.path("content")) + orEmpty(choice.path("refusal"));
        List<Reconstructed.Tool> tools = new ArrayList<>();
        choice.path("tool_calls").forEach(call -> tools.add(new Reconstructed.Tool(call.path("id").asString(),
                call.path("name").asString(), call.path("arguments").asString(), true)));
        String outcome = Replay.outcome(CHAT_OUTCOMES, transcript);
        if (outcome.startsWith("error:")) {
            return new Reconstructed(text, open(tools), outcome, null);
        }
        JsonNode usage = expected.path("usage");
        return new Reconstructed(text, tools, outcome, usage.isObject() ? new StreamEvent.Usage(
                number(usage, "prompt_tokens"), number(usage, "completion_tokens"),
                number(usage.path("completion_tokens_details"), "reasoning_tokens")) : null);
    }

    /** A recording's output and usage from its {@code expected.json}; its outcome from {@link #RESPONSES_OUTCOMES}. */
    static Reconstructed expectedResponses(String transcript, JsonNode expected) {
        List<Reconstructed.Tool> tools = new ArrayList<>();
        expected.path("function_calls").forEach(call -> tools.add(new Reconstructed.Tool(
                call.path("call_id").asString(), call.path("name").asString(), call.path("arguments").asString(),
                true)));
        String text = expected.path("output_text").asString("");
        String outcome = Replay.outcome(RESPONSES_OUTCOMES, transcript);
        if (outcome.startsWith("error:")) {
            return new Reconstructed(text, open(tools), outcome, null);
        }
        JsonNode usage = expected.path("usage");
        List<String> reasoning = new ArrayList<>();
        expected.path("reasoning_summary_parts").forEach(part -> reasoning.add(part.path("text").asString()));
        return new Reconstructed(text, tools, outcome, new StreamEvent.Usage(number(usage, "input_tokens"),
                number(usage, "output_tokens"), number(usage.path("output_tokens_details"), "reasoning_tokens")))
                .withReasoning(reasoning);
    }

    /** Calls cut short by an error or truncation were started but never ended. */
    static List<Reconstructed.Tool> open(List<Reconstructed.Tool> tools) {
        return tools.stream().map(tool -> new Reconstructed.Tool(tool.id(), tool.name(), tool.arguments(), false))
                .toList();
    }

    private static String orEmpty(JsonNode node) {
        return node.isString() ? node.stringValue() : "";
    }

    private static Long number(JsonNode node, String field) {
        return WireJson.number(node, field);
    }
}
