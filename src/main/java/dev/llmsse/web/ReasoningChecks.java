package dev.llmsse.web;

import java.util.Set;

import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.ReasoningOptions;
import dev.llmsse.provider.ResolvedModel;

/** The checks on a request's {@code reasoning} options: their values, then whether the provider can honour them. */
final class ReasoningChecks {

    static final Set<String> EFFORTS = Set.of("low", "medium", "high");
    static final Set<String> SUMMARIES = Set.of("auto", "concise", "detailed");
    /** Anthropic's smallest thinking budget; below it no provider reasons usefully. */
    static final int MIN_BUDGET = 1024;
    static final int MAX_BUDGET = 131_072;

    private ReasoningChecks() {
    }

    /** Throws a 400 naming the bad value; nothing to check when {@code reasoning} is null. */
    static void checkValues(ReasoningOptions reasoning) {
        if (reasoning == null) {
            return;
        }
        if (reasoning.effort() == null && reasoning.budgetTokens() == null) {
            throw new BadRequestException("reasoning needs effort or budgetTokens");
        }
        if (reasoning.effort() != null && !EFFORTS.contains(reasoning.effort())) {
            throw new BadRequestException("reasoning.effort must be low, medium or high");
        }
        Integer budget = reasoning.budgetTokens();
        if (budget != null && (budget < MIN_BUDGET || budget > MAX_BUDGET)) {
            throw new BadRequestException("reasoning.budgetTokens must be between " + MIN_BUDGET + " and " + MAX_BUDGET);
        }
        if (reasoning.summary() != null && !SUMMARIES.contains(reasoning.summary())) {
            throw new BadRequestException("reasoning.summary must be auto, concise or detailed");
        }
    }

    /** Throws a 400 with the provider's reason when it cannot honour the request's reasoning options. */
    static void checkProvider(ResolvedModel model, ChatRequest request) {
        if (request.reasoning() == null) {
            return;
        }
        String refusal = model.provider().reasoningRefusal(request);
        if (refusal != null) {
            throw new BadRequestException("reasoning is not possible with " + model.qualifiedName() + ": " + refusal);
        }
    }
}
