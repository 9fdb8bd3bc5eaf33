package dev.llmsse.session;

/**
 * Names that point at sessions, as every replica sees them: how a door whose clients name their conversation
 * themselves (the AI SDK's chat id) finds the session of that conversation's latest answer, to resume or stop
 * it wherever it runs. The key is the name, the value the id of the session it points at; pointing it again
 * replaces the target. Implementations pass the same contract test suite ({@code SessionAliasesContract}).
 */
public interface SessionAliases extends ExpiringValues<String> {
}
