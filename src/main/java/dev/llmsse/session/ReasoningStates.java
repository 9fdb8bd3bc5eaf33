package dev.llmsse.session;

import dev.llmsse.chat.ReasoningState;

/**
 * The reasoning states providers need back with their tool calls ({@link ReasoningState}), kept by tool call
 * id where every replica finds them: a client sends the call's id back with the tool's result, never the
 * state itself, which it never saw.
 */
public interface ReasoningStates extends ExpiringValues<ReasoningState> {
}
