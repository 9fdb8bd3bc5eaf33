/**
 * The OpenAI-compatible door ({@code POST /v1/chat/completions}, {@code GET /v1/models}): a dialect of the HTTP
 * edge, so it lives under {@code web}, where server types are allowed, and nothing outside it imports it
 * ({@code ArchitectureTest}). It translates OpenAI's request shape to our {@code ChatRequest}, lets the stream
 * core do the work (admission, heartbeats, cancel on disconnect, resume, limits, metrics), and translates the
 * core's frames back to {@code chat.completion.chunk} events; errors on its routes take OpenAI's error shape.
 * What it supports and ignores: {@code docs/compatibility.md}.
 */
package dev.llmsse.web.openai;
