package dev.llmsse.web;

import java.util.function.Function;
import java.util.function.Supplier;

import dev.llmsse.chat.StreamEvent;
import dev.llmsse.stream.SseFrame;

import reactor.core.publisher.Flux;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One frame of our protocol ({@code docs/protocol.md}) as a door that speaks another dialect reads it: what the
 * frame means, with its event id (null where the frame has none). A door translates these into its own events;
 * reading them is the same for every door, so it is done once, here.
 */
public sealed interface DoorFrame {

    /** The frame's event id, the client's resume point, or null. */
    String id();

    /**
     * A piece of text.
     *
     * @param escapedText the token as our frame already escaped it for a JSON string (splice it, do not re-escape)
     */
    record Token(String id, String escapedText) implements DoorFrame {
    }

    /** A tool call begins; {@code callId} is null where the provider gives none. */
    record ToolStart(String id, int index, String callId, String name) implements DoorFrame {
    }

    /** A fragment of a tool call's JSON arguments. */
    record ToolDelta(String id, int index, String arguments) implements DoorFrame {
    }

    /** A tool call's arguments are complete. */
    record ToolEnd(String id, int index) implements DoorFrame {
    }

    /** A piece of reasoning text (a block's start and end are {@link Other} frames). */
    record ReasoningDelta(String id, String text) implements DoorFrame {
    }

    /** The answer ended; {@code usage} is never null, and a count nobody knows is null in it. */
    record Done(String id, String finishReason, StreamEvent.Usage usage) implements DoorFrame {
    }

    /**
     * The answer failed; without an id, the gateway ended this one client's stream rather than the answer
     * ({@code slow_client}, {@code stalled}), and the client may resume from the last id it got. {@code usage} is
     * what was known when it failed, or null.
     */
    record Failed(String id, String code, String message, boolean retryable, StreamEvent.Usage usage)
            implements DoorFrame {
    }

    /** A heartbeat. */
    record Heartbeat() implements DoorFrame {
        @Override
        public String id() {
            return null;
        }
    }

    /**
     * A {@code retry} hint after the stream's first frame: the replica is shutting down and hands its clients to
     * another one. Doors whose clients do not reconnect by themselves turn it into a retryable error.
     */
    record HandedOff() implements DoorFrame {
        @Override
        public String id() {
            return null;
        }
    }

    /** A frame this reading does not know (a named event of a later protocol version): doors skip it. */
    record Other(String id, String event) implements DoorFrame {
    }

    /**
     * One client's frames translated into a door's bytes: {@code perClient} makes the translation for each
     * subscription (each client has its own state), which gives the bytes for one frame, or null for none.
     */
    static Flux<byte[]> translate(Flux<SseFrame> frames, Supplier<Function<SseFrame, byte[]>> perClient) {
        return Flux.defer(() -> {
            Function<SseFrame, byte[]> translation = perClient.get();
            byte[] nothing = new byte[0];
            // map and filter, not handle (nor mapNotNull, which is a handle): Reactor restores the context's
            // ThreadLocals around every handle signal, a tracing scope per frame (see provider.wire.ChunkDecoding).
            return frames.map(frame -> {
                byte[] translated = translation.apply(frame);
                return translated != null ? translated : nothing;
            }).filter(translated -> translated != nothing);
        });
    }

    /**
     * Whether {@code frame} is a token (an unnamed frame whose payload is {@code {"token":"…"}}), told without
     * reading it: a door's per-token fast path asks this before it reads a frame.
     */
    static boolean isToken(SseFrame frame) {
        String data = frame.data();
        return frame.event() == null && frame.retry() == null && data != null
                && data.startsWith(Reader.TOKEN_START) && data.endsWith(Reader.TOKEN_END);
    }

    /**
     * Reads one client's frames in order; the stream's leading {@code retry} hint is read as nothing (null). One
     * instance per response; not thread-safe (frames arrive in order, one at a time).
     */
    final class Reader {

        private static final JsonMapper JSON = JsonMapper.builder().build();
        private static final String TOKEN_START = "{\"token\":\"";
        private static final String TOKEN_END = "\"}";

        private boolean leadingRetryPassed;

        /** What {@code frame} means, or null for the stream's leading {@code retry} hint. */
        public DoorFrame read(SseFrame frame) {
            if (frame.retry() != null) {
                boolean leading = !leadingRetryPassed;
                leadingRetryPassed = true;
                return leading ? null : new HandedOff();
            }
            leadingRetryPassed = true;
            if ("ping".equals(frame.event())) {
                return new Heartbeat();
            }
            return frame.event() == null ? message(frame) : named(frame);
        }

        /** The unnamed channel: a token (spliced out without a parse: the common case), the end, or a failure. */
        private static DoorFrame message(SseFrame frame) {
            String data = frame.data();
            if (isToken(frame)) {
                return new Token(frame.id(), data.substring(TOKEN_START.length(), data.length() - TOKEN_END.length()));
            }
            JsonNode payload = JSON.readTree(data);
            if (payload.path("done").asBoolean(false)) {
                StreamEvent.Usage usage = usage(payload.path("usage"));
                return new Done(frame.id(), payload.path("finishReason").asString(null),
                        usage == null ? new StreamEvent.Usage(null, null, null) : usage);
            }
            JsonNode error = payload.path("error");
            if (error.isObject()) {
                return new Failed(frame.id(), error.path("code").asString("internal_error"),
                        error.path("message").asString("the answer failed"), error.path("retryable").asBoolean(false),
                        usage(payload.path("usage")));
            }
            return new Other(frame.id(), null);
        }

        private static DoorFrame named(SseFrame frame) {
            return switch (frame.event()) {
                case "tool_start" -> {
                    JsonNode start = JSON.readTree(frame.data());
                    yield new ToolStart(frame.id(), start.path("index").asInt(), start.path("id").asString(null),
                            start.path("name").asString(null));
                }
                case "tool_delta" -> {
                    JsonNode delta = JSON.readTree(frame.data());
                    yield new ToolDelta(frame.id(), delta.path("index").asInt(), delta.path("arguments").asString(""));
                }
                case "tool_end" -> new ToolEnd(frame.id(), JSON.readTree(frame.data()).path("index").asInt());
                case "reasoning_delta" -> new ReasoningDelta(frame.id(), JSON.readTree(frame.data()).path("text").asString(""));
                default -> new Other(frame.id(), frame.event());
            };
        }

        /** A frame's {@code usage} (docs/protocol.md), or null when it has none. */
        private static StreamEvent.Usage usage(JsonNode usage) {
            if (!usage.isObject()) {
                return null;
            }
            return new StreamEvent.Usage(count(usage, "inputTokens"), count(usage, "outputTokens"),
                    count(usage, "reasoningTokens"), count(usage, "cacheReadTokens"),
                    count(usage, "cacheWriteTokens"), usage.path("estimated").asBoolean(false));
        }

        private static Long count(JsonNode usage, String field) {
            JsonNode value = usage.path(field);
            return value.isNumber() ? value.asLong() : null;
        }
    }
}
