package dev.llmsse.provider.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One dispatched upstream Server-Sent Event, as the WHATWG rules define it.
 *
 * <p>The data stays as UTF-8 bytes: adapters hand them straight to Jackson, which parses bytes faster than a
 * {@code String}, so the hot path never decodes text it is about to parse again. The array is owned by the
 * event and must not be modified.
 *
 * @param type        the event type; {@code message} when the event named none
 * @param data        the data lines joined with LF, as UTF-8
 * @param lastEventId the last event id at dispatch (it persists across events, per WHATWG)
 */
public record SseEvent(String type, byte[] data, String lastEventId) {

    /** The data decoded as UTF-8, for tests and diagnostics; adapters parse {@link #data()} directly. */
    public String text() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** Whether the data equals the given ASCII text, without decoding it: the cheap check for {@code [DONE]}. */
    public boolean dataIs(byte[] ascii) {
        return Arrays.equals(data, ascii);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SseEvent event && type.equals(event.type) && Arrays.equals(data, event.data)
                && lastEventId.equals(event.lastEventId);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * type.hashCode() + Arrays.hashCode(data)) + lastEventId.hashCode();
    }

    @Override
    public String toString() {
        return "SseEvent[type=" + type + ", bytes=" + data.length + "]";
    }
}
