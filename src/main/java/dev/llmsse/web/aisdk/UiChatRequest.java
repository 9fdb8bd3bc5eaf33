package dev.llmsse.web.aisdk;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import tools.jackson.databind.JsonNode;

/**
 * The body the AI SDK's {@code DefaultChatTransport} posts to {@code /api/chat}, with the fields this door reads.
 * Others are ignored: the transport merges the app's own {@code body} options into it, and UI messages and parts
 * carry fields ({@code metadata}, {@code providerMetadata}, {@code state}, …) that only the client's UI needs.
 *
 * @param id          the chat's id, chosen by the client; names the conversation for resume and stop
 * @param messages    the whole conversation as UI messages, oldest first
 * @param trigger     {@code submit-message} or {@code regenerate-message}; both answer the conversation as sent
 * @param messageId   the message being edited or regenerated; the client already cut the conversation there
 * @param model       optional {@code provider/model} (an app sends it with {@code body: {model}})
 * @param maxTokens   optional cap on output tokens
 * @param temperature optional sampling temperature
 * @param tools       optional tools offered to the model, in our protocol's shape ({@code {name, description,
 *                    parameters}}; an app sends them with {@code body: {tools}}): the client runs them
 * @param toolChoice  optional, as in our protocol: {@code "auto"}, {@code "none"}, {@code "required"} or
 *                    {@code {name}}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record UiChatRequest(String id, List<UiMessage> messages, String trigger, String messageId, String model,
        Integer maxTokens, Double temperature, JsonNode tools, JsonNode toolChoice) {

    /** One UI message: its role and parts ({@code id} and {@code metadata} are the client's). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record UiMessage(String role, List<UiPart> parts) {
    }

    /**
     * One part of a UI message: {@code text} for {@code text} and {@code reasoning} parts, {@code mediaType} and
     * {@code url} for {@code file} parts; the rest for tool parts ({@code tool-<name>}, {@code dynamic-tool}), as
     * the AI SDK keeps a tool call in its message.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record UiPart(String type, String text, String mediaType, String url, String toolCallId, String toolName,
            String state, JsonNode input, JsonNode output, String errorText) {

        /** A part with text only (text, reasoning, step-start). */
        UiPart(String type, String text) {
            this(type, text, null, null, null, null, null, null, null, null);
        }
    }
}
