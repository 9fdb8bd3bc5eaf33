package dev.llmsse.provider.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * An incremental parser for {@code text/event-stream}, following WHATWG HTML "Interpreting an event stream".
 *
 * <p>It works on bytes and never decodes a chunk to text: lines are cut at CR, LF or CRLF (a CR at the end
 * of one chunk and its LF at the start of the next count once), so a UTF-8 character split between chunks
 * is reassembled before anything is decoded. Only field values are decoded, and only when they are kept
 * ({@code event}, {@code id}); {@code data} stays bytes. Not thread-safe: one parser per response.
 */
final class SseParser {

    /** Receives what the parser dispatches. */
    interface Listener {

        void event(SseEvent event);

        /** An accepted {@code retry} value; the gateway has no use for it, conformance tests do. */
        default void retry(long millis) {
        }
    }

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final byte[] DATA = ascii("data");
    private static final byte[] EVENT = ascii("event");
    private static final byte[] ID = ascii("id");
    private static final byte[] RETRY = ascii("retry");
    private static final int BOM_DONE = -1;
    private static final byte[] NO_BYTES = new byte[0];

    private final DecodeLimits limits;
    private final Listener listener;
    private final Supplier<? extends RuntimeException> onForeignLine;

    private int bomMatched;
    private boolean skipLf;
    private final PartialLine line;
    private final ChunkReader.Sink processLine = this::processLine;
    // The data lines so far joined by LF: WHATWG's data buffer without the LF it appends after the last line.
    // Held only while an event is being read; an event of one data line is copied once, into its own array,
    // which becomes the payload (nothing is kept between events: issue 14, memory per stream).
    private byte[] data = NO_BYTES;
    private int dataLength;
    private boolean hasData;
    private String type;
    private String idBuffer;
    private String lastEventId;
    private byte[] cachedTypeBytes = new byte[0];
    private String cachedType = "";

    /**
     * @param onForeignLine null to ignore unknown fields as WHATWG asks; otherwise the error to raise when a
     *                      line is neither a comment nor a known field (for upstreams that write error
     *                      documents into an event stream)
     * @param initialId     the last event id carried over from a previous connection
     */
    SseParser(DecodeLimits limits, Listener listener, Supplier<? extends RuntimeException> onForeignLine,
            String initialId) {
        this.limits = limits;
        this.line = new PartialLine(limits.maxLineBytes());
        this.listener = listener;
        this.onForeignLine = onForeignLine;
        this.idBuffer = initialId;
        this.lastEventId = initialId;
    }

    /** The last event id string, as a reconnect would send it. */
    String lastEventId() {
        return lastEventId;
    }

    /** Parses the next bytes of the stream; whatever is incomplete waits for more. */
    void feed(byte[] src, int offset, int length) {
        int end = offset + length;
        int i = bomMatched == BOM_DONE ? offset : skipBom(src, offset, end);
        while (i < end) {
            if (skipLf) {
                skipLf = false;
                if (src[i] == LF) {
                    i++;
                    continue;
                }
            }
            int eol = indexOfLineEnd(src, i, end);
            if (eol < 0) {
                line.append(src, i, end - i);
                return;
            }
            line.complete(src, i, eol, processLine);
            skipLf = src[eol] == CR;
            i = eol + 1;
        }
    }

    /** Strips one leading BOM, even when its three bytes arrive in different chunks. */
    private int skipBom(byte[] src, int offset, int end) {
        int i = offset;
        while (i < end) {
            if (src[i] != BOM[bomMatched]) {
                // Not a BOM after all: the bytes held back so far are ordinary content (they hold no line end).
                int held = bomMatched;
                bomMatched = BOM_DONE;
                line.append(BOM, 0, held);
                return i;
            }
            i++;
            if (++bomMatched == BOM.length) {
                bomMatched = BOM_DONE;
                return i;
            }
        }
        return i;
    }

    private static int indexOfLineEnd(byte[] src, int from, int end) {
        for (int i = from; i < end; i++) {
            byte b = src[i];
            if (b == LF || b == CR) {
                return i;
            }
        }
        return -1;
    }

    private void processLine(byte[] buf, int offset, int length) {
        if (length == 0) {
            dispatch();
            return;
        }
        if (buf[offset] == ':') {
            return;
        }
        int end = offset + length;
        int colon = indexOf(buf, offset, end, (byte) ':');
        int nameEnd = colon < 0 ? end : colon;
        int valueStart = colon < 0 ? end : colon + 1;
        if (valueStart < end && buf[valueStart] == ' ') {
            valueStart++;
        }
        int valueLength = end - valueStart;
        int nameLength = nameEnd - offset;
        if (is(buf, offset, nameLength, DATA)) {
            appendData(buf, valueStart, valueLength);
        } else if (is(buf, offset, nameLength, EVENT)) {
            type = typeName(buf, valueStart, valueLength);
        } else if (is(buf, offset, nameLength, ID)) {
            if (indexOf(buf, valueStart, end, (byte) 0) < 0) {
                idBuffer = new String(buf, valueStart, valueLength, StandardCharsets.UTF_8);
            }
        } else if (is(buf, offset, nameLength, RETRY)) {
            retry(buf, valueStart, valueLength);
        } else if (onForeignLine != null) {
            throw onForeignLine.get();
        }
    }

    private void appendData(byte[] buf, int offset, int length) {
        int separator = hasData ? 1 : 0;
        int needed = dataLength + separator + length;
        // Counted as WHATWG's buffer, with the LF after this line
        if (needed + 1 > limits.maxEventBytes()) {
            throw DecodeErrors.eventTooLarge(limits.maxEventBytes());
        }
        if (needed > data.length) {
            data = Arrays.copyOf(data, hasData ? Math.max(needed, data.length * 2) : needed);
        }
        if (hasData) {
            data[dataLength++] = LF;
        }
        System.arraycopy(buf, offset, data, dataLength, length);
        dataLength += length;
        hasData = true;
    }

    private void retry(byte[] buf, int offset, int length) {
        if (length == 0 || length > 18) {
            return;
        }
        long value = 0;
        for (int i = offset; i < offset + length; i++) {
            if (buf[i] < '0' || buf[i] > '9') {
                return;
            }
            value = value * 10 + (buf[i] - '0');
        }
        listener.retry(value);
    }

    private void dispatch() {
        lastEventId = idBuffer;
        if (!hasData) {
            type = null;
            return;
        }
        byte[] payload = dataLength == data.length ? data : Arrays.copyOf(data, dataLength);
        String eventType = type == null || type.isEmpty() ? "message" : type;
        data = NO_BYTES;
        dataLength = 0;
        hasData = false;
        type = null;
        listener.event(new SseEvent(eventType, payload, lastEventId));
    }

    /** Event names repeat (every Anthropic delta is {@code content_block_delta}): reuse the last string. */
    private String typeName(byte[] buf, int offset, int length) {
        if (!Arrays.equals(cachedTypeBytes, 0, cachedTypeBytes.length, buf, offset, offset + length)) {
            cachedTypeBytes = Arrays.copyOfRange(buf, offset, offset + length);
            cachedType = new String(cachedTypeBytes, StandardCharsets.UTF_8);
        }
        return cachedType;
    }

    private static boolean is(byte[] buf, int offset, int length, byte[] name) {
        return length == name.length && Arrays.equals(buf, offset, offset + length, name, 0, name.length);
    }

    private static int indexOf(byte[] buf, int from, int end, byte value) {
        for (int i = from; i < end; i++) {
            if (buf[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
