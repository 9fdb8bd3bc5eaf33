package dev.llmsse.stream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One frame as it goes on the wire, with its fields for those who look at it (tests, logs) and its bytes,
 * encoded once when the frame is made.
 *
 * <p>Why not Spring's {@code ServerSentEvent} and its writer: that writer formats every event with a
 * {@code StringBuilder}, encodes it, and hands each frame to the connection as a publisher of its own
 * (subscribed, written and flushed one by one): per-token work that showed in the benchmark's profile.
 * These frames are written as one stream of buffers, flushed whenever the stream has nothing more ready,
 * so tokens still leave one by one when they come one by one.
 *
 * <p>Payloads are JSON made by Jackson, which escapes CR and LF inside strings, so {@code data} is one line;
 * {@link #of} refuses anything that could break the framing rather than split it.
 *
 * @param id    the event id, or null
 * @param event the event name, or null for the unnamed {@code message} channel
 * @param data  the payload, one line, or null (a {@code retry}-only frame)
 * @param retry the reconnection delay to announce, or null
 * @param bytes the frame's UTF-8 bytes, ending with the blank line; never modify them, they are shared
 */
public record SseFrame(String id, String event, String data, Duration retry, byte[] bytes) {

    /** A frame with an optional id and name and a one-line payload. */
    public static SseFrame of(String id, String event, String data) {
        StringBuilder wire = new StringBuilder(data.length() + 48);
        if (id != null) {
            wire.append("id:").append(oneLine(id)).append('\n');
        }
        if (event != null) {
            wire.append("event:").append(oneLine(event)).append('\n');
        }
        wire.append("data:").append(oneLine(data)).append("\n\n");
        return new SseFrame(id, event, data, null, wire.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A frame that only tells the client how long to wait before it reconnects. */
    public static SseFrame retry(Duration retry) {
        byte[] wire = ("retry:" + retry.toMillis() + "\n\n").getBytes(StandardCharsets.US_ASCII);
        return new SseFrame(null, null, null, retry, wire);
    }

    private static String oneLine(String field) {
        if (field.indexOf('\n') >= 0 || field.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("an SSE field must be one line");
        }
        return field;
    }
}
