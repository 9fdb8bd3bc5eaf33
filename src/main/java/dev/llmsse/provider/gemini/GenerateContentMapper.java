package dev.llmsse.provider.gemini;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.llmsse.chat.ReasoningState;
import dev.llmsse.chat.StreamEvent;
import dev.llmsse.provider.CachedTokens;
import dev.llmsse.provider.EventMapper;
import dev.llmsse.provider.FinishReason;
import dev.llmsse.provider.InBandErrors;
import dev.llmsse.provider.ReasoningBlock;
import dev.llmsse.provider.Relay;
import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.wire.SseEvent;

import tools.jackson.databind.JsonNode;

/**
 * Gemini {@code GenerateContentResponse} chunks to domain events. Text parts become tokens, {@code thought: true}
 * parts reasoning; a function call arrives whole, so it becomes start, one delta with its arguments, and end,
 * then its {@code thoughtSignature} (if any) as a {@link StreamEvent.ProviderState} that the gateway keeps for
 * the next turn: Gemini wants it back on that {@code functionCall} part.
 * A candidate's {@code finishReason} or a blocked prompt is the terminator; Gemini may still send text or
 * usage after it, which is relayed.
 */
final class GenerateContentMapper implements EventMapper<SseEvent> {

    private static final Map<String, String> FINISH_REASONS = Map.of(
            "STOP", "stop",
            "MAX_TOKENS", "length",
            "SAFETY", "content_filter", "RECITATION", "content_filter", "BLOCKLIST", "content_filter",
            "PROHIBITED_CONTENT", "content_filter", "SPII", "content_filter", "IMAGE_SAFETY", "content_filter");

    private final ReasoningBlock reasoning = new ReasoningBlock();
    private boolean terminated;
    private String finishReason;
    private int tools;
    private StreamEvent.Usage usage;
    private boolean usageToldEarly;

    @Override
    public List<StreamEvent> map(SseEvent event) {
        JsonNode json = WireJson.parse(event.data());
        JsonNode error = json.get("error");
        if (error != null && error.isObject()) {
            throw InBandErrors.of(WireJson.string(error, "status"));
        }
        usage(json.path("usageMetadata"));
        String blocked = WireJson.string(json.path("promptFeedback"), "blockReason");
        if (blocked != null) {
            terminated = true;
            finishReason = "content_filter";
        }
        JsonNode candidate = json.path("candidates").path(0);
        List<StreamEvent> events = new ArrayList<>(1);
        for (JsonNode part : candidate.path("content").path("parts")) {
            part(part, events);
        }
        String reason = WireJson.string(candidate, "finishReason");
        if (reason != null && !"FINISH_REASON_UNSPECIFIED".equals(reason)) {
            terminated = true;
            finishReason = finishReason(reason);
        }
        if (terminated) {
            reasoning.close(events);
        }
        return withEarlyUsage(events);
    }

    /**
     * Gemini's prompt and cache counts, which its first chunk already has, told with the first piece of answer
     * (never on their own: that would count as the first token), so that an answer cut short still reports them.
     */
    private List<StreamEvent> withEarlyUsage(List<StreamEvent> events) {
        if (usageToldEarly || events.isEmpty() || usage == null || usage.inputTokens() == null) {
            return events;
        }
        usageToldEarly = true;
        events.add(0, new StreamEvent.UsageSoFar(new StreamEvent.Usage(usage.inputTokens(), null, null,
                usage.cacheReadTokens(), null)));
        return events;
    }

    private void part(JsonNode part, List<StreamEvent> events) {
        JsonNode call = part.get("functionCall");
        String text = WireJson.string(part, "text");
        if (part.path("thought").asBoolean(false)) {
            reasoning.delta(text, events);
            return;
        }
        reasoning.close(events);
        if (call != null && call.isObject()) {
            int index = tools++;
            JsonNode args = call.get("args");
            events.add(new StreamEvent.ToolCallStart(index, WireJson.string(call, "id"),
                    WireJson.string(call, "name")));
            events.add(new StreamEvent.ToolCallDelta(index, args == null ? "{}" : WireJson.text(args)));
            events.add(new StreamEvent.ToolCallEnd(index));
            String signature = WireJson.string(part, "thoughtSignature");
            if (signature != null && !signature.isEmpty()) {
                events.add(new StreamEvent.ProviderState(index, new ReasoningState(ToolParts.PROVIDER, signature)));
            }
            return;
        }
        if (text != null && !text.isEmpty()) {
            events.add(new StreamEvent.Token(text));
        }
    }

    /** Output counts thinking tokens too, as OpenAI's and Anthropic's output does. */
    private void usage(JsonNode metadata) {
        if (!metadata.isObject()) {
            return;
        }
        Long candidates = WireJson.number(metadata, "candidatesTokenCount");
        Long thoughts = WireJson.number(metadata, "thoughtsTokenCount");
        Long output = candidates == null && thoughts == null ? null
                : (candidates == null ? 0 : candidates) + (thoughts == null ? 0 : thoughts);
        usage = CachedTokens.apart(WireJson.number(metadata, "promptTokenCount"), output, thoughts,
                WireJson.number(metadata, "cachedContentTokenCount"));
    }

    static String finishReason(String reason) {
        return FinishReason.translate(FINISH_REASONS, reason);
    }

    @Override
    public StreamEvent.Done finish() {
        if (!terminated) {
            throw Relay.truncated();
        }
        String reason = "stop".equals(finishReason) && tools > 0 ? "tool_calls" : finishReason;
        return new StreamEvent.Done(reason, usage);
    }
}
