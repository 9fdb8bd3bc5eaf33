/**
 * The Anthropic-compatible door ({@code POST /v1/messages}, Anthropic's Messages API): a dialect of the HTTP edge,
 * so it lives under {@code web}, where server types are allowed, and nothing outside it imports it
 * ({@code ArchitectureTest}). It translates Anthropic's request shape to our {@code ChatRequest}, lets the stream
 * core do the work (admission, heartbeats, cancel on disconnect, resume, limits, metrics), and translates the
 * core's frames back to Anthropic's stream events ({@code message_start}, {@code content_block_*},
 * {@code message_delta}, {@code message_stop}); errors on its routes take Anthropic's error shape. What it
 * supports and ignores: {@code docs/compatibility.md}.
 */
package dev.llmsse.web.anthropic;
