package dev.llmsse.support;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the gateway's own SSE output in tests: frames of {@code field:value} lines separated by a blank
 * line. (Conformance against any valid SSE input is the business of the WHATWG parser test.)
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
        List<Frame> frames = new ArrayList<>();
        String[] blocks = body.split("\n\n", -1);
        for (int i = 0; i < blocks.length - 1; i++) {
            String id = null;
            String event = null;
            String data = null;
            for (String line : blocks[i].split("\n")) {
                if (line.startsWith("id:")) {
                    id = line.substring(3);
                } else if (line.startsWith("event:")) {
                    event = line.substring(6);
                } else if (line.startsWith("data:")) {
                    data = line.substring(5);
                }
            }
            frames.add(new Frame(id, event, data));
        }
        return frames;
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
