package dev.llmsse.chat;

/**
 * One turn of a conversation.
 *
 * @param role    {@code user}, {@code assistant} or {@code system}
 * @param content the turn's text
 */
public record ChatMessage(String role, String content) {
}
