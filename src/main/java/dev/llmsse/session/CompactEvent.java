package dev.llmsse.session;

import java.nio.charset.StandardCharsets;

/**
 * A logged event as one {@code byte[]}, the form {@link InMemoryEventLog} keeps: a flags byte (terminal, and
 * the event name as an index into the names the gateway writes), the name itself only when it is not one of
 * them, then the payload's UTF-8 bytes. The position is not stored: a log's events are contiguous, so the
 * reader counts it.
 *
 * <p>Why: a {@link LoggedEvent} kept as is costs three objects per event (the record, its String and the
 * String's array), about 99 bytes with its slot for a token's 16 bytes of JSON; this form is one array, about
 * 45. Every live stream holds its whole log, so this is a share of the memory per stream (issue 14) and of
 * what a retained answer costs.
 */
final class CompactEvent {

    /** Names our encoder writes; index + 1 is the code, 0 is the unnamed {@code message} channel. */
    private static final String[] KNOWN_NAMES = {
        "reasoning_delta", "reasoning_start", "reasoning_end", "tool_start", "tool_delta", "tool_end",
    };
    private static final int TERMINAL = 1;
    private static final int LITERAL_NAME = 127;

    private CompactEvent() {
    }

    static byte[] encode(LoggedEvent event) {
        int code = nameCode(event.event());
        byte[] name = code == LITERAL_NAME ? event.event().getBytes(StandardCharsets.UTF_8) : null;
        byte[] data = event.data().getBytes(StandardCharsets.UTF_8);
        int head = name == null ? 1 : 3 + name.length;
        byte[] compact = new byte[head + data.length];
        compact[0] = (byte) (code << 1 | (event.terminal() ? TERMINAL : 0));
        if (name != null) {
            if (name.length > 0xFFFF) {
                throw new IllegalArgumentException("event name longer than 65535 bytes");
            }
            compact[1] = (byte) (name.length >>> 8);
            compact[2] = (byte) name.length;
            System.arraycopy(name, 0, compact, 3, name.length);
        }
        System.arraycopy(data, 0, compact, head, data.length);
        return compact;
    }

    static LoggedEvent decode(long seq, byte[] compact) {
        int code = (compact[0] & 0xFF) >>> 1;
        boolean terminal = (compact[0] & TERMINAL) != 0;
        String name = null;
        int head = 1;
        if (code == LITERAL_NAME) {
            int length = (compact[1] & 0xFF) << 8 | (compact[2] & 0xFF);
            name = new String(compact, 3, length, StandardCharsets.UTF_8);
            head = 3 + length;
        } else if (code > 0) {
            name = KNOWN_NAMES[code - 1];
        }
        return new LoggedEvent(seq, name, new String(compact, head, compact.length - head, StandardCharsets.UTF_8),
                terminal);
    }

    /**
     * The heap an encoded event takes: the array (a 16-byte header, its length rounded up to 8 bytes) and
     * its slot in the log's buffer with that buffer's share of links (8 bytes, rounded up).
     */
    static long heapBytes(byte[] compact) {
        return 16 + ((compact.length + 7L) & ~7L) + 8;
    }

    private static int nameCode(String name) {
        if (name == null) {
            return 0;
        }
        for (int i = 0; i < KNOWN_NAMES.length; i++) {
            if (KNOWN_NAMES[i].equals(name)) {
                return i + 1;
            }
        }
        return LITERAL_NAME;
    }
}
