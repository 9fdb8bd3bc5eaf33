package dev.llmsse.web.anthropic;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import tools.jackson.databind.json.JsonMapper;

/**
 * The events of one streamed message, each the JSON Anthropic sends under its event name. The text delta, sent once
 * per token, is spliced from the token as our frame already escaped it (no parse, no mapper); the rarer events are
 * written by Jackson. Knows whether the message has been opened ({@code message_start}). One instance per response.
 */
final class EventJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The message as {@code message_start} opens it; its id is in every tool call id made up here. */
    private final AnthropicMessage opening;
    private boolean started;

    EventJson(String messageId, String model) {
        this.opening = AnthropicMessage.started(messageId, model);
    }

    /** One SSE event: its name (Anthropic's {@code type}) and its data. */
    record Event(String type, String data) {

        /** {@code event:} and {@code data:} as Anthropic writes them, after an {@code id:} when there is one. */
        String sse(String id) {
            String event = "event: " + type + "\ndata: " + data + "\n\n";
            return id == null ? event : "id: " + id + "\n" + event;
        }
    }

    String messageId() {
        return opening.id();
    }

    boolean started() {
        return started;
    }

    /** {@code message_start}: the message without content, its counts still 0 (they come with its end). */
    Event start() {
        started = true;
        return write("message_start", new MessageStart("message_start", opening));
    }

    Event textStart(int index) {
        return blockStart(index, new AnthropicMessage.Text(""));
    }

    /** A text delta for a token already escaped as a JSON string's content. */
    Event textDelta(int index, String escapedToken) {
        return new Event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + index
                + ",\"delta\":{\"type\":\"text_delta\",\"text\":\"" + escapedToken + "\"}}");
    }

    /** A tool call's block, its {@code input} empty until its {@code input_json_delta}s have come. */
    Event toolStart(int index, String toolUseId, String name) {
        return blockStart(index, new AnthropicMessage.ToolUse(toolUseId, name, JSON.createObjectNode()));
    }

    Event inputDelta(int index, String partialJson) {
        return write("content_block_delta", new BlockDelta("content_block_delta", index,
                new InputJsonDelta("input_json_delta", partialJson)));
    }

    Event blockStop(int index) {
        return new Event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + index + "}");
    }

    /** The stop reason and the final counts (input tokens too: they were not known at {@code message_start}). */
    Event messageDelta(String stopReason, AnthropicMessage.Usage usage) {
        return write("message_delta", new MessageDelta("message_delta", new StopDelta(stopReason, null), usage));
    }

    Event messageStop() {
        return new Event("message_stop", "{\"type\":\"message_stop\"}");
    }

    static Event error(AnthropicError error) {
        return write("error", error);
    }

    private Event blockStart(int index, AnthropicMessage.Block block) {
        return write("content_block_start", new BlockStart("content_block_start", index, block));
    }

    private static Event write(String type, Object data) {
        return new Event(type, JSON.writeValueAsString(data));
    }

    record BlockStart(String type, int index, @JsonProperty("content_block") AnthropicMessage.Block contentBlock) {
    }

    record MessageStart(String type, AnthropicMessage message) {
    }

    record BlockDelta(String type, int index, InputJsonDelta delta) {
    }

    record InputJsonDelta(String type, @JsonProperty("partial_json") String partialJson) {
    }

    record MessageDelta(String type, StopDelta delta, AnthropicMessage.Usage usage) {
    }

    /** Both written even when null, as Anthropic writes them. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    record StopDelta(@JsonProperty("stop_reason") String stopReason,
            @JsonProperty("stop_sequence") String stopSequence) {
    }
}
