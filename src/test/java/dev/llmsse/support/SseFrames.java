package dev.llmsse.support;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The gateway's own SSE output as tests read it: each frame's {@code id}, {@code event} and {@code data}.
 * The parsing is {@link SseParser}'s, the one WHATWG parser of the test suite; this only narrows its frames
 * to what the gateway writes (one field of each kind per frame).
 */
public final class SseFrames {

    private static final String TOKEN_PREFIX = "{\"token\":\"";

    private SseFrames() {
    }

    /**
     * One complete frame.
     *
     * @param id    the {@code id} field, or null (pings, the retry hint)
     * @param event the {@code event} field, or null
     * @param data  the {@code data} field, or null
     */
    public record Frame(String id, String event, String data) {

        /** The position part of the id. */
        public long seq() {
            return Long.parseLong(id.substring(id.indexOf('.') + 1));
        }

        public boolean isToken() {
            return event == null && data != null && data.startsWith(TOKEN_PREFIX);
        }
    }

    /** Every complete frame of {@code body}; an unterminated last frame is left out. */
    public static List<Frame> parse(String body) {
        return SseParser.parse(body.getBytes(StandardCharsets.UTF_8)).stream()
                .map(frame -> new Frame(frame.id(), frame.event(), frame.data())).toList();
    }

    /** The token frames of {@code body}. */
    public static List<Frame> tokens(String body) {
        return parse(body).stream().filter(Frame::isToken).toList();
    }

    /** The concatenated text of the token frames (tokens in tests carry no JSON escapes). */
    public static String text(List<Frame> frames) {
        StringBuilder text = new StringBuilder();
        frames.stream().filter(Frame::isToken)
                .forEach(frame -> text.append(frame.data(), TOKEN_PREFIX.length(), frame.data().length() - 2));
        return text.toString();
    }
}
