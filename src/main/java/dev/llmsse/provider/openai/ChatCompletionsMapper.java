package dev.llmsse.provider.openai;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import dev.llmsse.chat.StreamEvent;
import dev.llmsse.provider.EventMapper;
import dev.llmsse.provider.InBandErrors;
import dev.llmsse.provider.ReasoningBlock;
import dev.llmsse.provider.Relay;
import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.wire.SseEvent;

import tools.jackson.databind.JsonNode;

/**
 * Chat Completions chunks to domain events. Only choice 0 is relayed (the gateway never asks for
 * {@code n > 1}); tool calls stream as start, argument deltas and end; {@code [DONE]} is the terminator,
 * and anything after it is read but ignored. The {@code reasoning_content} (DeepSeek, vLLM) or
 * {@code reasoning} (OpenRouter) deltas of compatible servers become reasoning.
 */
final class ChatCompletionsMapper implements EventMapper<SseEvent> {

    private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);

    private final TreeSet<Integer> openTools = new TreeSet<>();
    private final TreeSet<Integer> seenTools = new TreeSet<>();
    private final ReasoningBlock reasoning = new ReasoningBlock();
    // The call each provider index holds now: a server that reuses an index for a new call gives the new
    // call its own id, and the new call gets its own number instead of having its arguments appended.
    private final Map<Integer, Call> callByIndex = new HashMap<>();
    private int calls;
    private boolean terminated;
    private String finishReason;
    private StreamEvent.Usage usage;

    @Override
    public List<StreamEvent> map(SseEvent event) {
        if (terminated) {
            return List.of();
        }
        if (event.dataIs(DONE)) {
            terminated = true;
            List<StreamEvent> events = new ArrayList<>(1);
            reasoning.close(events);
            return closeTools(events);
        }
        ChatChunk chunk = ChatChunk.parse(event.data());
        if (chunk.error) {
            throw InBandErrors.of(chunk.errorType);
        }
        if (chunk.usage != null) {
            usage = chunk.usage;
        }
        List<StreamEvent> events = new ArrayList<>(1);
        for (ChatChunk.Choice choice : chunk.choices) {
            choice(choice, events);
        }
        return events;
    }

    private void choice(ChatChunk.Choice choice, List<StreamEvent> events) {
        reasoning.delta(choice.reasoning(), events);
        if (choice.content() != null && !choice.content().isEmpty() || choice.refusal() != null
                && !choice.refusal().isEmpty() || !choice.toolCalls().isEmpty() || choice.finishReason() != null) {
            reasoning.close(events);
        }
        text(choice.content(), events);
        text(choice.refusal(), events);
        for (ChatChunk.ToolCall call : choice.toolCalls()) {
            toolCall(call, events);
        }
        if (choice.finishReason() != null) {
            finishReason = FinishReasons.chat(choice.finishReason());
            closeTools(events);
        }
    }

    private void toolCall(ChatChunk.ToolCall call, List<StreamEvent> events) {
        Call current = callByIndex.get(call.index());
        if (current == null || current.isNot(call.id())) {
            if (current != null && openTools.remove(current.tool())) {
                events.add(new StreamEvent.ToolCallEnd(current.tool()));
            }
            current = new Call(calls++, call.id());
            callByIndex.put(call.index(), current);
            openTools.add(current.tool());
            events.add(new StreamEvent.ToolCallStart(current.tool(), call.id(), call.name()));
        }
        if (call.arguments() != null && !call.arguments().isEmpty()) {
            events.add(new StreamEvent.ToolCallDelta(current.tool(), call.arguments()));
        }
    }

    /** A call as numbered downstream, and the id the provider gave it. */
    private record Call(int tool, String id) {

        /** Whether a fragment with {@code otherId} begins another call (fragments after the first carry none). */
        boolean isNot(String otherId) {
            return otherId != null && !otherId.isEmpty() && id != null && !otherId.equals(id);
        }
    }

    private List<StreamEvent> closeTools(List<StreamEvent> events) {
        openTools.forEach(index -> events.add(new StreamEvent.ToolCallEnd(index)));
        openTools.clear();
        return events;
    }

    private static void text(String text, List<StreamEvent> events) {
        if (text != null && !text.isEmpty()) {
            events.add(new StreamEvent.Token(text));
        }
    }

    static String typeOf(JsonNode error) {
        String type = WireJson.string(error, "type");
        return type != null ? type : WireJson.string(error, "code");
    }

    @Override
    public StreamEvent.Done finish() {
        if (!terminated) {
            throw Relay.truncated();
        }
        return new StreamEvent.Done(finishReason == null ? "stop" : finishReason, usage);
    }
}
