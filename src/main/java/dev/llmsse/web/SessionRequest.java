package dev.llmsse.web;

import java.util.List;

import dev.llmsse.chat.ReasoningOptions;

import tools.jackson.databind.JsonNode;

/**
 * Body of {@code POST /api/sessions}: either {@code prompt} or {@code messages}.
 *
 * @param prompt      a single user turn
 * @param messages    a conversation, oldest first; a turn's content may be a list of text and image parts
 * @param model       {@code provider/model}; the default when absent
 * @param maxTokens   optional cap on output tokens
 * @param temperature optional sampling temperature
 * @param system      optional system prompt
 * @param reasoning   optional {@code {effort, budgetTokens, summary}}
 * @param tools       optional {@code [{name, description, parameters}]}, read by {@link ToolRequests}
 * @param toolChoice  optional {@code "auto" | "none" | "required" | {name}}
 * @param responseFormat optional {@code {type: "json_schema", schema}}, read by {@link ResponseFormats}
 */
record SessionRequest(String prompt, List<MessageBody> messages, String model, Integer maxTokens,
        Double temperature, String system, ReasoningOptions reasoning, JsonNode tools, JsonNode toolChoice,
        JsonNode responseFormat) {

    SessionRequest(String prompt, List<MessageBody> messages, String model, Integer maxTokens, Double temperature,
            String system) {
        this(prompt, messages, model, maxTokens, temperature, system, null, null, null, null);
    }
}
