package dev.llmsse.web.openai;

import java.nio.charset.StandardCharsets;

import dev.llmsse.stream.EventId;
import dev.llmsse.stream.SseFrame;

import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Translates one client's frames of our protocol, as the stream core made them, into OpenAI's stream: each token
 * a {@code chat.completion.chunk}, tool-call events its {@code tool_calls} deltas, the end a finish chunk, a
 * usage chunk and {@code data: [DONE]}, a failure a {@code data: {"error": …}} event and no {@code [DONE]}.
 *
 * <p>What OpenAI's clients must not see is left out or changed. The {@code retry} hint goes: OpenAI's Python SDK
 * turns a block without data into an empty event and fails to parse it. Heartbeats become a comment line
 * without the blank line after it, for the same reason: that SDK never forgets the last event id, so a blank line
 * after a comment would dispatch an empty event too. The hint that hands a client to another replica (a
 * shutdown) becomes a retryable error event: OpenAI's clients do not reconnect by themselves, and a stream that
 * ended without {@code [DONE]} and without an error would read as a complete, short answer.
 *
 * <p>Event ids are the core's, so a client that resends the same request with {@code Last-Event-ID} resumes. Where
 * one of our events becomes several events, only the last carries the id: a client cut between them resumes
 * before the whole group and misses none of it. One instance per response; not thread-safe (frames arrive in
 * order, one at a time).
 */
final class ChunkStream {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final byte[] HEARTBEAT = ": keep-alive\n".getBytes(StandardCharsets.US_ASCII);
    private static final String DONE = "data: [DONE]\n\n";
    private static final String TOKEN_START = "{\"token\":\"";
    private static final String TOKEN_END = "\"}";

    private final String model;
    private final long created;
    private ChunkJson json;
    private boolean leadingRetryPassed;
    private boolean roleSent;
    private String lastId;

    private ChunkStream(String model, long created) {
        this.model = model;
        this.created = created;
    }

    /** OpenAI's stream for one client's {@code frames}, answering {@code model}, created at {@code created}. */
    static Flux<byte[]> of(Flux<SseFrame> frames, String model, long created) {
        return Flux.defer(() -> {
            ChunkStream stream = new ChunkStream(model, created);
            return frames.handle((frame, sink) -> {
                byte[] translated = stream.translate(frame);
                if (translated != null) {
                    sink.next(translated);
                }
            });
        });
    }

    /** The bytes to send for {@code frame}, or null for none. */
    byte[] translate(SseFrame frame) {
        if (frame.retry() != null) {
            boolean leading = !leadingRetryPassed;
            leadingRetryPassed = true;
            return leading ? null : bytes(event(null, handedOff()));
        }
        leadingRetryPassed = true;
        if ("ping".equals(frame.event())) {
            return HEARTBEAT;
        }
        if (frame.id() != null && json == null) {
            EventId id = EventId.parse(frame.id());
            json = ChunkJson.of("chatcmpl-" + (id == null ? frame.id() : id.generationId()), model, created);
        }
        String out = frame.event() == null ? message(frame) : named(frame);
        return out == null ? null : bytes(out);
    }

    /** The unnamed channel: a token, the end, or a failure. */
    private String message(SseFrame frame) {
        String data = frame.data();
        if (data.startsWith(TOKEN_START) && data.endsWith(TOKEN_END)) {
            String escaped = data.substring(TOKEN_START.length(), data.length() - TOKEN_END.length());
            return event(frame.id(), chunks().text(escaped, takeRole()));
        }
        JsonNode payload = JSON.readTree(data);
        if (payload.path("done").asBoolean(false)) {
            return done(frame.id(), payload);
        }
        if (payload.path("error").isObject()) {
            // A logged failure is part of the answer: resuming would only replay it. One the gateway made for this
            // client alone (no id: slow_client, stalled) can be resumed from the last event it got.
            return event(frame.id(), failed(payload.path("error"), frame.id() == null ? lastId : null));
        }
        return null;
    }

    /**
     * Tool-call events, and reasoning text as {@code reasoning_content} deltas; reasoning block starts and ends
     * and other named events are not part of OpenAI's stream and are left out.
     */
    private String named(SseFrame frame) {
        if ("tool_start".equals(frame.event())) {
            JsonNode start = JSON.readTree(frame.data());
            return event(frame.id(), chunks().toolCallStart(start.path("index").asInt(),
                    start.path("id").asString(null), start.path("name").asString(null), takeRole()));
        }
        if ("reasoning_delta".equals(frame.event())) {
            return event(frame.id(), chunks().reasoning(JSON.readTree(frame.data()).path("text").asString(""),
                    takeRole()));
        }
        if ("tool_delta".equals(frame.event())) {
            JsonNode delta = JSON.readTree(frame.data());
            return event(frame.id(), chunks().toolCallArguments(delta.path("index").asInt(),
                    delta.path("arguments").asString(""), takeRole()));
        }
        return null;
    }

    private String done(String id, JsonNode payload) {
        JsonNode usage = payload.path("usage");
        String finish = chunks().finish(Usage.finishReason(payload.path("finishReason").asString(null)), takeRole());
        String last = chunks().usage(Usage.of(count(usage, "inputTokens"), count(usage, "outputTokens"),
                count(usage, "reasoningTokens")));
        return event(null, finish) + event(id, last) + DONE;
    }

    private static String failed(JsonNode error, String resumeFrom) {
        OpenAiError.Body body = new OpenAiError.Body(error.path("message").asString("the answer failed"),
                "server_error", null, error.path("code").asString("internal_error"),
                error.path("retryable").asBoolean(false), resumeFrom);
        return JSON.writeValueAsString(new OpenAiError(body));
    }

    private String handedOff() {
        return JSON.writeValueAsString(new OpenAiError(new OpenAiError.Body(
                "the gateway replica serving this stream is shutting down; send the same request again with the "
                        + "Last-Event-ID header set to last_event_id to resume", "server_error", null, "shutdown",
                true, lastId)));
    }

    /** One SSE event; its id (if any) becomes this client's resume point. */
    private String event(String id, String data) {
        if (id == null) {
            return "data: " + data + "\n\n";
        }
        lastId = id;
        return "id: " + id + "\ndata: " + data + "\n\n";
    }

    private ChunkJson chunks() {
        if (json == null) {
            // Every event of the core that becomes a chunk has an id; this is only a guard.
            json = ChunkJson.of("chatcmpl-unknown", model, created);
        }
        return json;
    }

    /** Whether this chunk is the response's first, which names the role as OpenAI's first chunk does. */
    private boolean takeRole() {
        boolean first = !roleSent;
        roleSent = true;
        return first;
    }

    private static Long count(JsonNode usage, String field) {
        JsonNode value = usage.path(field);
        return value.isNumber() ? value.asLong() : null;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
