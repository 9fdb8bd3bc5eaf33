package dev.llmsse.stream;

import dev.llmsse.chat.StreamEvent;
import dev.llmsse.session.LoggedEvent;

import com.fasterxml.jackson.annotation.JsonInclude;

import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns domain events into the JSON payloads of the wire protocol (see {@code docs/protocol.md}).
 * Encoding happens once per event, when it is logged, not once per subscriber.
 */
final class FrameEncoder {

    // A private mapper: the wire format must not change with the application's Jackson customizations.
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonStringEncoder ESCAPER = JsonStringEncoder.getInstance();
    private static final String TOKEN_START = "{\"token\":\"";
    private static final String TOKEN_END = "\"}";

    private FrameEncoder() {
    }

    // Java 17 bytecode has no pattern matching for switch, so the sealed hierarchy is matched with
    // instanceof; the final throw can only be reached by a new StreamEvent type nobody mapped yet.
    static LoggedEvent encode(long seq, StreamEvent event) {
        if (event instanceof StreamEvent.Token token) {
            return new LoggedEvent(seq, null, tokenJson(token.text()), false);
        }
        if (event instanceof StreamEvent.ReasoningDelta reasoning) {
            return logged(seq, "reasoning_delta", new ReasoningDeltaFrame(reasoning.text()), false);
        }
        if (event instanceof StreamEvent.ReasoningStart) {
            return new LoggedEvent(seq, "reasoning_start", "{}", false);
        }
        if (event instanceof StreamEvent.ReasoningEnd) {
            return new LoggedEvent(seq, "reasoning_end", "{}", false);
        }
        if (event instanceof StreamEvent.ToolCallStart start) {
            return logged(seq, "tool_start", new ToolStartFrame(start.index(), start.id(), start.name()), false);
        }
        if (event instanceof StreamEvent.ToolCallDelta delta) {
            return logged(seq, "tool_delta", new ToolDeltaFrame(delta.index(), delta.arguments()), false);
        }
        if (event instanceof StreamEvent.ToolCallEnd end) {
            return logged(seq, "tool_end", new ToolEndFrame(end.index(), end.incomplete() ? Boolean.TRUE : null), false);
        }
        if (event instanceof StreamEvent.Done done) {
            return logged(seq, null, new DoneFrame(true, done.finishReason(), usage(done.usage())), true);
        }
        if (event instanceof StreamEvent.Failed failed) {
            return logged(seq, null, new ErrorFrame(new ErrorBody(failed.code(), failed.message(),
                    failed.retryable()), usage(failed.usage())), true);
        }
        throw new IllegalArgumentException("unmapped stream event " + event.getClass().getSimpleName());
    }

    /**
     * {@code {"token":"…"}} with Jackson's own string escaper, as the mapper would write {@link TokenFrame}:
     * the token is the one event sent per generated token, and going through the mapper (a writer, a
     * generator and a serializer lookup per call) took four times as long and allocated 3.4 times the bytes
     * (bench/jmh.sh: 37 ns and 162 B against 156 ns and 548 B per token).
     */
    static String tokenJson(String text) {
        StringBuilder json = new StringBuilder(text.length() + TOKEN_START.length() + TOKEN_END.length() + 8);
        json.append(TOKEN_START);
        ESCAPER.quoteAsString(text, json);
        return json.append(TOKEN_END).toString();
    }

    private static LoggedEvent logged(long seq, String name, Object payload, boolean terminal) {
        return new LoggedEvent(seq, name, JSON.writeValueAsString(payload), terminal);
    }

    private static UsageFrame usage(StreamEvent.Usage usage) {
        return usage == null ? null
                : new UsageFrame(usage.inputTokens(), usage.outputTokens(), usage.reasoningTokens(),
                        usage.cacheReadTokens(), usage.cacheWriteTokens(), usage.estimated() ? Boolean.TRUE : null);
    }

    record TokenFrame(String token) {
    }

    record ReasoningDeltaFrame(String text) {
    }

    record ToolStartFrame(int index, String id, String name) {
    }

    record ToolDeltaFrame(int index, String arguments) {
    }

    /** {@code incomplete: true} only for a call whose arguments were cut off; absent otherwise. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ToolEndFrame(int index, Boolean incomplete) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record DoneFrame(boolean done, String finishReason, UsageFrame usage) {
    }

    /** Counts nobody knows are left out; {@code estimated} is there only when true. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record UsageFrame(Long inputTokens, Long outputTokens, Long reasoningTokens, Long cacheReadTokens,
            Long cacheWriteTokens, Boolean estimated) {
    }

    /** {@code usage}: what was known when the answer failed, absent when nothing was. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ErrorFrame(ErrorBody error, UsageFrame usage) {
    }

    record ErrorBody(String code, String message, boolean retryable) {
    }
}
