package dev.llmsse.support;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An incremental parser for {@code text/event-stream} bodies that follows the WHATWG HTML standard's
 * "event stream interpretation" (section 9.2.6), written independently of the gateway so that tests judge
 * the bytes on the wire rather than what Spring's own decoder makes of them.
 *
 * <p>Feed it bytes as they arrive, split anywhere (inside a CRLF, inside a UTF-8 sequence); it returns a
 * {@link Frame} for every block of lines that a blank line ends. What the standard says and what this
 * parser does:
 * <ul>
 * <li>lines end with CRLF, LF or CR; a CRLF split across two feeds is still one line end;</li>
 * <li>the stream is decoded as UTF-8 (invalid bytes become U+FFFD) and one leading BOM is dropped;</li>
 * <li>a line starting with a colon is a comment; a line without a colon is a field with an empty value;
 * one space after the colon is dropped, any further spaces belong to the value;</li>
 * <li>{@code data} lines are joined with LF; {@code id} sets the last event id unless it contains NUL;
 * {@code retry} counts only if it is all ASCII digits; other fields are ignored;</li>
 * <li>a blank line dispatches; an event is fired only if the data buffer is not empty;</li>
 * <li>an event the stream ends in the middle of (no blank line after it) is discarded.</li>
 * </ul>
 * A {@link Frame} records more than a browser exposes (every raw field line, comments, whether an {@code id}
 * was in this very block), because conformance tests need to see exactly what was sent.
 */
public final class SseParser {

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final List<Frame> frames = new ArrayList<>();
    private boolean afterCr;
    private boolean firstLine = true;

    // The current block, between two blank lines.
    private final List<Field> fields = new ArrayList<>();
    private final List<String> comments = new ArrayList<>();
    private StringBuilder data;
    private String eventType;
    private String blockId;
    private Long blockRetry;

    // State that outlives a block, as in the standard.
    private String lastEventIdBuffer = "";
    private Long reconnectionTime;

    /** Parses a complete body: every dispatched frame, with an unterminated last block discarded. */
    public static List<Frame> parse(byte[] body) {
        SseParser parser = new SseParser();
        parser.feed(body);
        return parser.frames();
    }

    /** Feeds the next bytes; returns the frames they completed, in order. */
    public List<Frame> feed(byte[] bytes) {
        return feed(bytes, 0, bytes.length);
    }

    /** Feeds {@code length} bytes from {@code offset}; returns the frames they completed, in order. */
    public List<Frame> feed(byte[] bytes, int offset, int length) {
        int before = frames.size();
        for (int i = offset; i < offset + length; i++) {
            byte b = bytes[i];
            if (afterCr && b == LF) {
                // The LF of a CRLF: the line already ended at the CR.
                afterCr = false;
                continue;
            }
            afterCr = b == CR;
            if (b == CR || b == LF) {
                endLine();
            } else {
                line.write(b);
            }
        }
        return List.copyOf(frames.subList(before, frames.size()));
    }

    /** Every frame dispatched so far. */
    public List<Frame> frames() {
        return Collections.unmodifiableList(frames);
    }

    /**
     * Whether bytes were received that no blank line has dispatched yet: a partial line or an open block.
     * At the end of a stream these are what the standard discards; a well-formed stream has none.
     */
    public boolean hasPendingInput() {
        return line.size() > 0 || !fields.isEmpty() || !comments.isEmpty();
    }

    /** The last event id buffer: what an {@code EventSource} would send as {@code Last-Event-ID}. */
    public String lastEventId() {
        return lastEventIdBuffer;
    }

    /** The reconnection time set by the last valid {@code retry} field, or null if none came. */
    public Long reconnectionTime() {
        return reconnectionTime;
    }

    private void endLine() {
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        if (firstLine) {
            firstLine = false;
            if (text.startsWith("\uFEFF")) {
                text = text.substring(1);
            }
        }
        if (text.isEmpty()) {
            dispatch();
        } else if (text.charAt(0) == ':') {
            comments.add(text.substring(1));
        } else {
            int colon = text.indexOf(':');
            String name = colon < 0 ? text : text.substring(0, colon);
            String value = colon < 0 ? "" : text.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            field(name, value);
        }
    }

    private void field(String name, String value) {
        fields.add(new Field(name, value));
        switch (name) {
            case "event" -> eventType = value;
            case "data" -> {
                if (data == null) {
                    data = new StringBuilder();
                }
                data.append(value).append('\n');
            }
            case "id" -> {
                if (value.indexOf('\u0000') < 0) {
                    lastEventIdBuffer = value;
                    blockId = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    try {
                        reconnectionTime = Long.parseLong(value);
                        blockRetry = reconnectionTime;
                    } catch (NumberFormatException tooLong) {
                        // All digits but beyond a long: a browser would clamp; tests only need "not ours".
                        blockRetry = Long.MAX_VALUE;
                    }
                }
            }
            default -> {
                // Ignored by the standard; kept in the frame's field list so that tests can see it.
            }
        }
    }

    private void dispatch() {
        if (fields.isEmpty() && comments.isEmpty()) {
            return;
        }
        String joined = null;
        if (data != null) {
            joined = data.substring(0, data.length() - 1);
        }
        frames.add(new Frame(List.copyOf(fields), List.copyOf(comments), blockId, eventType, joined, blockRetry,
                lastEventIdBuffer));
        fields.clear();
        comments.clear();
        data = null;
        eventType = null;
        blockId = null;
        blockRetry = null;
    }

    /**
     * One raw field line, after the standard's splitting.
     *
     * @param name  the field name, possibly one the standard ignores
     * @param value the value, with one leading space removed
     */
    public record Field(String name, String value) {
    }

    /**
     * One block of lines ended by a blank line.
     *
     * @param fields      every field line of the block, in order, including ignored and invalid ones
     * @param comments    every comment line's text after the colon
     * @param id          the value of this block's last valid {@code id} field, or null if it had none
     * @param event       the value of this block's last {@code event} field, or null if it had none
     * @param data        the {@code data} lines joined with LF, or null if the block had no {@code data} field
     * @param retry       the value of this block's last valid {@code retry} field, or null
     * @param lastEventId the last event id buffer at dispatch, which an event fired here would carry
     */
    public record Frame(List<Field> fields, List<String> comments, String id, String event, String data,
            Long retry, String lastEventId) {

        /** Whether a browser would fire an event for this block: only if its data buffer was not empty. */
        public boolean firesEvent() {
            return data != null;
        }

        /** The event type a browser would fire: the {@code event} field, or {@code message}. */
        public String type() {
            return event == null || event.isEmpty() ? "message" : event;
        }

        /** The distinct field names of the block, in first-seen order. */
        public Set<String> fieldNames() {
            Set<String> names = new LinkedHashSet<>();
            fields.forEach(field -> names.add(field.name()));
            return names;
        }
    }
}
