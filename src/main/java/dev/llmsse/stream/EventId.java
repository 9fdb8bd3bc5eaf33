package dev.llmsse.stream;

import java.util.regex.Pattern;

/**
 * The SSE {@code id} of a logged event: the generation and the position in it, written
 * {@code <generation>.<seq>}. Opaque to clients; generated here, never copied from input, and made of
 * characters that cannot break an SSE line.
 *
 * @param generationId the generation's id
 * @param seq          the event's position, from 1
 */
public record EventId(String generationId, long seq) {

    private static final Pattern FORMAT = Pattern.compile("([A-Za-z0-9_-]{22})\\.([0-9]{1,12})");

    /** The wire form. */
    @Override
    public String toString() {
        return generationId + "." + seq;
    }

    /** Parses a client's {@code Last-Event-ID}; null for anything not of our form. */
    public static EventId parse(String raw) {
        if (raw == null || raw.length() > 40) {
            return null;
        }
        var match = FORMAT.matcher(raw.strip());
        return match.matches() ? new EventId(match.group(1), Long.parseLong(match.group(2))) : null;
    }
}
