/**
 * The Vercel AI SDK door ({@code POST /api/chat}, {@code GET /api/chat/{id}/stream}, {@code POST /api/chat/{id}/stop}):
 * a dialect of the HTTP edge, so it lives under {@code web}, where server types are allowed, and nothing outside
 * it imports it ({@code ArchitectureTest}). It translates the AI SDK's UI messages to our {@code ChatRequest}, lets
 * the stream core do the work (admission, heartbeats, detach grace, resume, limits, metrics), and translates the
 * core's frames to the AI SDK's UI message stream. What it supports and ignores: {@code docs/compatibility.md}.
 */
package dev.llmsse.web.aisdk;
