package dev.llmsse.session;

import dev.llmsse.chat.ChatRequest;

/**
 * What any replica needs to run or resume a generation: the validated request and how it was made.
 *
 * @param id             the generation's id (also the session id)
 * @param model          {@code provider/model}
 * @param request        the validated request, with the provider's own model name
 * @param oneStep        true for {@code GET /api/llm}, which only the same prompt and model may resume
 * @param principal      who created it: {@code key:<name>}, {@code jwt:<sub>} or {@code ip:<address>}; binds
 *                       the session to that client and names its rate-limit buckets; null if unknown
 * @param reservedTokens output tokens reserved against the principal's budget at admission; null or 0 = none
 */
public record SessionRecord(String id, String model, ChatRequest request, boolean oneStep, String principal,
        Long reservedTokens) {

    /** The reservation, 0 when there is none. */
    public long reserved() {
        return reservedTokens == null ? 0 : reservedTokens;
    }
}
