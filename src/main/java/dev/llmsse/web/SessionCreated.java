package dev.llmsse.web;

/**
 * Answer to {@code POST /api/sessions}.
 *
 * @param id        the session id: 128 random bits, the capability to attach
 * @param streamUrl where to point an {@code EventSource}
 */
record SessionCreated(String id, String streamUrl) {
}
