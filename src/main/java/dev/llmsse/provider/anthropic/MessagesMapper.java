package dev.llmsse.provider.anthropic;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.llmsse.chat.ReasoningState;
import dev.llmsse.chat.StreamEvent;
import dev.llmsse.provider.EventMapper;
import dev.llmsse.provider.FinishReason;
import dev.llmsse.provider.InBandErrors;
import dev.llmsse.provider.ReasoningBlock;
import dev.llmsse.provider.Relay;
import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.wire.SseEvent;

import tools.jackson.databind.JsonNode;

/**
 * Anthropic Messages stream events to domain events. Text deltas become tokens; {@code tool_use} blocks
 * stream as start, {@code input_json_delta} argument deltas and end, numbered in the order they appear;
 * {@code thinking} blocks stream as reasoning (their signatures and {@code redacted_thinking} blocks
 * are opaque to clients and not relayed: they follow each tool call as a {@link StreamEvent.ProviderState},
 * which the gateway keeps for the next turn, see {@link ThinkingBlocks}); pings are skipped; {@code message_stop} is the terminator and {@code error} an
 * in-band failure.
 */
final class MessagesMapper implements EventMapper<SseEvent> {

    private static final Map<String, String> STOP_REASONS = Map.of(
            "end_turn", "stop", "stop_sequence", "stop",
            "max_tokens", "length", "model_context_window_exceeded", "length",
            "tool_use", "tool_calls",
            "refusal", "content_filter");

    private final Map<Integer, Integer> toolByBlock = new HashMap<>();
    private final ReasoningBlock reasoning = new ReasoningBlock();
    private final ThinkingBlocks thinking = new ThinkingBlocks();
    private boolean terminated;
    private String stopReason;
    private Long inputTokens;
    private Long outputTokens;
    private Long cacheReadTokens;
    private Long cacheWriteTokens;
    private boolean usageToldEarly;

    @Override
    public List<StreamEvent> map(SseEvent event) {
        if (terminated) {
            return List.of();
        }
        return withEarlyUsage(events(event));
    }

    /**
     * The input and cache tokens of {@code message_start}, told along with the first piece of answer (not on their
     * own: that would count as the first token, before the model said anything), so that an answer cut short
     * still reports them.
     */
    private List<StreamEvent> withEarlyUsage(List<StreamEvent> events) {
        if (usageToldEarly || events.isEmpty() || inputTokens == null) {
            return events;
        }
        usageToldEarly = true;
        List<StreamEvent> told = new ArrayList<>(events.size() + 1);
        told.add(new StreamEvent.UsageSoFar(new StreamEvent.Usage(inputTokens, null, null, cacheReadTokens,
                cacheWriteTokens)));
        told.addAll(events);
        return told;
    }

    private List<StreamEvent> events(SseEvent event) {
        JsonNode json = WireJson.parse(event.data());
        String type = WireJson.string(json, "type");
        switch (type == null ? event.type() : type) {
            case "content_block_delta":
                return delta(json);
            case "message_start":
                usage(json.path("message").path("usage"));
                return List.of();
            case "content_block_start":
                return blockStart(json);
            case "content_block_stop":
                return blockStop(json);
            case "message_delta":
                String reason = WireJson.string(json.path("delta"), "stop_reason");
                stopReason = reason != null ? reason : stopReason;
                usage(json.path("usage"));
                return List.of();
            case "message_stop":
                terminated = true;
                return List.of();
            case "error":
                throw InBandErrors.of(WireJson.string(json.path("error"), "type"));
            default:
                return List.of();
        }
    }

    private List<StreamEvent> delta(JsonNode json) {
        JsonNode delta = json.path("delta");
        String deltaType = WireJson.string(delta, "type");
        if ("text_delta".equals(deltaType)) {
            String text = WireJson.string(delta, "text");
            return text == null || text.isEmpty() ? List.of() : List.of(new StreamEvent.Token(text));
        }
        if ("thinking_delta".equals(deltaType)) {
            List<StreamEvent> events = new ArrayList<>(2);
            reasoning.delta(WireJson.string(delta, "thinking"), events);
            thinking.text(WireJson.string(delta, "thinking"));
            return events;
        }
        if ("signature_delta".equals(deltaType)) {
            thinking.signature(WireJson.string(delta, "signature"));
            return List.of();
        }
        if ("input_json_delta".equals(deltaType)) {
            Integer tool = toolByBlock.get(json.path("index").asInt(0));
            String partial = WireJson.string(delta, "partial_json");
            return tool == null || partial == null || partial.isEmpty() ? List.of()
                    : List.of(new StreamEvent.ToolCallDelta(tool, partial));
        }
        return List.of();
    }

    private List<StreamEvent> blockStop(JsonNode json) {
        List<StreamEvent> events = new ArrayList<>(1);
        reasoning.close(events);
        thinking.stop();
        Integer tool = toolByBlock.get(json.path("index").asInt(0));
        if (tool != null) {
            events.add(new StreamEvent.ToolCallEnd(tool));
        }
        return events;
    }

    private List<StreamEvent> blockStart(JsonNode json) {
        JsonNode block = json.path("content_block");
        String blockType = WireJson.string(block, "type");
        thinking.start(block);
        if ("tool_use".equals(blockType)) {
            int tool = toolByBlock.size();
            toolByBlock.put(json.path("index").asInt(0), tool);
            StreamEvent start = new StreamEvent.ToolCallStart(tool, WireJson.string(block, "id"),
                    WireJson.string(block, "name"));
            ReasoningState kept = thinking.state();
            return kept == null ? List.of(start) : List.of(start, new StreamEvent.ProviderState(tool, kept));
        }
        String text = "text".equals(blockType) ? WireJson.string(block, "text") : null;
        return text == null || text.isEmpty() ? List.of() : List.of(new StreamEvent.Token(text));
    }

    /**
     * Anthropic's input tokens leave out the cache tokens, as ours do: they are reported apart (0 as none). A later
     * event's count replaces an earlier one ({@code message_delta} repeats the final counts).
     */
    private void usage(JsonNode usage) {
        Long input = WireJson.number(usage, "input_tokens");
        inputTokens = input != null ? input : inputTokens;
        cacheReadTokens = cached(WireJson.number(usage, "cache_read_input_tokens"), cacheReadTokens);
        cacheWriteTokens = cached(WireJson.number(usage, "cache_creation_input_tokens"), cacheWriteTokens);
        Long output = WireJson.number(usage, "output_tokens");
        outputTokens = output != null ? output : outputTokens;
    }

    private static Long cached(Long reported, Long before) {
        if (reported == null) {
            return before;
        }
        return reported > 0 ? reported : null;
    }

    static String finishReason(String stopReason) {
        return stopReason == null ? "stop" : FinishReason.translate(STOP_REASONS, stopReason);
    }

    @Override
    public StreamEvent.Done finish() {
        if (!terminated) {
            throw Relay.truncated();
        }
        StreamEvent.Usage usage = inputTokens == null && outputTokens == null ? null
                : new StreamEvent.Usage(inputTokens, outputTokens, null, cacheReadTokens, cacheWriteTokens);
        return new StreamEvent.Done(finishReason(stopReason), usage);
    }
}
