package dev.llmsse.provider.anthropic;

import java.nio.charset.StandardCharsets;

import dev.llmsse.chat.ReasoningState;
import dev.llmsse.provider.WireJson;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code thinking} and {@code redacted_thinking} blocks of one streamed message, as Anthropic wants them
 * back: with extended thinking, the assistant turn before a {@code tool_result} must repeat them, unchanged
 * and in order, before its {@code tool_use} blocks, or the request is refused. The state is the JSON array of
 * those blocks ({@code {type: thinking, thinking, signature}}, {@code {type: redacted_thinking, data}}).
 * One instance per response; not thread-safe.
 */
final class ThinkingBlocks {

    static final String PROVIDER = "anthropic";

    private final ArrayNode blocks = WireJson.object().putArray("blocks");
    private final StringBuilder thinking = new StringBuilder();
    private ObjectNode open;

    /** A content block starts: a thinking block opens, a redacted one is whole already. */
    void start(JsonNode block) {
        String type = WireJson.string(block, "type");
        if ("thinking".equals(type)) {
            open = blocks.addObject().put("type", "thinking");
            thinking.setLength(0);
            thinking.append(WireJson.string(block, "thinking") == null ? "" : WireJson.string(block, "thinking"));
        } else if ("redacted_thinking".equals(type)) {
            blocks.addObject().put("type", "redacted_thinking").put("data", WireJson.string(block, "data"));
        }
    }

    void text(String delta) {
        if (open != null && delta != null) {
            thinking.append(delta);
        }
    }

    void signature(String signature) {
        if (open != null && signature != null) {
            open.put("signature", signature);
        }
    }

    /** A content block ends: an open thinking block takes its whole text. */
    void stop() {
        if (open != null) {
            open.put("thinking", thinking.toString());
            open = null;
        }
    }

    /** The blocks so far as a state to keep, or null when the message had none. */
    ReasoningState state() {
        return blocks.isEmpty() ? null : new ReasoningState(PROVIDER, WireJson.text(blocks));
    }

    /** Adds the blocks {@code kept} holds to an assistant turn's {@code content}. */
    static void replay(ArrayNode content, ReasoningState kept) {
        JsonNode blocks = WireJson.parse(kept.state().getBytes(StandardCharsets.UTF_8));
        for (JsonNode block : blocks) {
            content.add(block);
        }
    }
}
