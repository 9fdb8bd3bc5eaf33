package dev.llmsse.session;

/**
 * One event of a generation's log, already encoded for the wire so that every subscriber (and every
 * replica) shares the same bytes instead of encoding again.
 *
 * @param seq      position in the generation, from 1, without gaps
 * @param event    the SSE event name, or null for the unnamed {@code message} channel
 * @param data     the JSON payload
 * @param terminal whether this is the generation's last event ({@code done} or {@code error})
 */
public record LoggedEvent(long seq, String event, String data, boolean terminal) {
}
