package dev.llmsse.provider.openai;

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

/** Every OpenAI Chat Completions and Responses transcript, shared and our own, at every split. */
class OpenAiTranscriptReplayTest {

    static final Function<Flux<DataBuffer>, Flux<StreamEvent>> CHAT =
            body -> OpenAiChatProvider.decode(body, DecodeLimits.DEFAULT);
    static final Function<Flux<DataBuffer>, Flux<StreamEvent>> RESPONSES =
            body -> OpenAiResponsesProvider.decode(body, DecodeLimits.DEFAULT);

    @TestFactory
    Stream<DynamicTest> sharedChatTranscripts() {
        return replays(RecordedTranscripts.dir("openai"), CHAT, OpenAiTranscriptReplayTest::expectedChat);
    }

    @TestFactory
    Stream<DynamicTest> sharedResponsesTranscripts() {
        return replays(RecordedTranscripts.dir("openai-responses"), RESPONSES,
                OpenAiTranscriptReplayTest::expectedResponses);
    }

    @TestFactory
    Stream<DynamicTest> ownChatTranscripts() {
        return replays(TestTranscripts.dir("openai"), CHAT, Reconstructed::fromJson);
    }

    @TestFactory
    Stream<DynamicTest> ownResponsesTranscripts() {
        return replays(TestTranscripts.dir("openai-responses"), RESPONSES, Reconstructed::fromJson);
    }

    static Stream<DynamicTest> replays(Path folder, Function<Flux<DataBuffer>, Flux<StreamEvent>> pipeline,
            Function<JsonNode, Reconstructed> expected) {
        return Replay.transcripts(folder, "sse").stream().map(file -> DynamicTest.dynamicTest(
                file.getFileName().toString(), () -> Replay.everySplit(pipeline, Replay.bytes(file),
                        expected.apply(WireJson.parse(Replay.bytes(Replay.expectedFor(file)))))));
    }

    static Reconstructed expectedChat(JsonNode expected) {
        JsonNode choice = expected.path("choices").path(0);
        String text = orEmpty(choice.path("content")) + orEmpty(choice.path("refusal"));
        List<Reconstructed.Tool> tools = new ArrayList<>();
        choice.path("tool_calls").forEach(call -> tools.add(new Reconstructed.Tool(call.path("id").asString(),
                call.path("name").asString(), call.path("arguments").asString(), true)));
        if (!expected.path("errors").isEmpty()) {
            return new Reconstructed(text, open(tools), "error:upstream_error", null);
        }
        if (!expected.path("terminated_by_done").asBoolean()) {
            return new Reconstructed(text, open(tools), "error:truncated", null);
        }
        JsonNode usage = expected.path("usage");
        return new Reconstructed(text, tools, "done:" + FinishReasons.chat(choice.path("finish_reason").asString()),
                usage.isObject() ? new StreamEvent.Usage(number(usage, "prompt_tokens"),
                        number(usage, "completion_tokens"),
                        number(usage.path("completion_tokens_details"), "reasoning_tokens")) : null);
    }

    static Reconstructed expectedResponses(JsonNode expected) {
        List<Reconstructed.Tool> tools = new ArrayList<>();
        expected.path("function_calls").forEach(call -> tools.add(new Reconstructed.Tool(
                call.path("call_id").asString(), call.path("name").asString(), call.path("arguments").asString(),
                true)));
        String text = expected.path("output_text").asString("");
        String status = expected.path("final_status").asString("");
        if (!status.equals("completed") && !status.equals("incomplete")) {
            String outcome = status.equals("failed") || !expected.path("errors").isEmpty()
                    ? "error:upstream_error" : "error:truncated";
            return new Reconstructed(text, open(tools), outcome, null);
        }
        JsonNode usage = expected.path("usage");
        String finish = status.equals("incomplete") ? "length" : tools.isEmpty() ? "stop" : "tool_calls";
        return new Reconstructed(text, tools, "done:" + finish, new StreamEvent.Usage(number(usage, "input_tokens"),
                number(usage, "output_tokens"), number(usage.path("output_tokens_details"), "reasoning_tokens")));
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
