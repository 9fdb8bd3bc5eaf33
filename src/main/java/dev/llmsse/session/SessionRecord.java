package dev.llmsse.session;

import dev.llmsse.provider.ChatRequest;

/**
 * What any replica needs to run or resume a generation: the validated request and how it was made.
 *
 * @param id      the generation's id (also the session id)
 * @param model   {@code provider/model}
 * @param request the validated request, with the provider's own model name
 * @param oneStep true for {@code GET /api/llm}, which only the same prompt and model may resume
 */
public record SessionRecord(String id, String model, ChatRequest request, boolean oneStep) {
}
