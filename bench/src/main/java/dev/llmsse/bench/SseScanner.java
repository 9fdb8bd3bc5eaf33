package dev.llmsse.bench;

import io.netty.util.ByteProcessor;

/**
 * An incremental Server-Sent Events line scanner that classifies each dispatched event without decoding JSON:
 * a byte-prefix and substring test per {@code data:} line, so that the load client stays cheap.
 *
 * <p>It understands the three streams the benchmark reads:
 * <ul>
 *   <li>the gateway: {@code data:{"token":…}}, terminal {@code {"done":true…}} or {@code {"error":…}},
 *       {@code event: ping} heartbeats, named extras ignored;</li>
 *   <li>OpenAI Chat Completions: {@code data: {…"delta":{"content":"…"}…}} tokens (empty content is not a
 *       token), {@code data: [DONE]};</li>
 *   <li>Anthropic Messages: {@code event: content_block_delta} tokens, {@code event: message_stop},
 *       {@code event: ping}, {@code event: error}.</li>
 * </ul>
 * Lines end in LF, CRLF or CR; a line longer than the buffer is classified by its beginning.
 */
final class SseScanner implements ByteProcessor {

    enum Kind { NONE, OTHER, TOKEN, PING, DONE, ERROR }

    /** What to do with each event. */
    interface Listener {
        void onEvent(Kind kind);
    }

    private static final byte[] DATA = ascii("data:");
    private static final byte[] EVENT = ascii("event:");
    private static final byte[] DONE_SENTINEL = ascii("[DONE]");
    private static final byte[] GATEWAY_TOKEN = ascii("{\"token\"");
    private static final byte[] GATEWAY_DONE = ascii("{\"done\":true");
    private static final byte[] GATEWAY_ERROR = ascii("{\"error\"");
    /** Where an OpenAI chunk's text starts: compact, spaced, and with the role in the same delta (the first
     * chunk of the gateway's {@code /v1/chat/completions} door carries both). */
    private static final byte[][] OPENAI_CONTENT = {
        ascii("\"delta\":{\"content\":\""),
        ascii("\"delta\": {\"content\": \""),
        ascii("\"delta\":{\"role\":\"assistant\",\"content\":\""),
    };

    private final byte[] line = new byte[2048];
    private final Listener listener;
    private int length;
    private boolean skipLf;
    private Kind eventKind = Kind.NONE;
    private Kind dataKind = Kind.NONE;
    private boolean hasData;

    SseScanner(Listener listener) {
        this.listener = listener;
    }

    @Override
    public boolean process(byte value) {
        if (value == '\n') {
            if (skipLf) {
                skipLf = false;
            } else {
                endOfLine();
            }
        } else if (value == '\r') {
            endOfLine();
            skipLf = true;
        } else {
            skipLf = false;
            if (length < line.length) {
                line[length++] = value;
            }
        }
        return true;
    }

    private void endOfLine() {
        if (length == 0) {
            dispatch();
            return;
        }
        if (startsWith(DATA, 0)) {
            int from = field(DATA.length);
            if (!hasData) {
                dataKind = classifyData(from);
            }
            hasData = true;
        } else if (startsWith(EVENT, 0)) {
            eventKind = classifyEvent(field(EVENT.length));
        }
        // id:, retry: and comments do not matter here.
        length = 0;
    }

    private void dispatch() {
        if (hasData) {
            listener.onEvent(eventKind != Kind.NONE ? eventKind : dataKind);
        }
        hasData = false;
        eventKind = Kind.NONE;
        dataKind = Kind.NONE;
    }

    /** The value's start: after the field name and one optional space. */
    private int field(int nameLength) {
        return nameLength < length && line[nameLength] == ' ' ? nameLength + 1 : nameLength;
    }

    private Kind classifyData(int from) {
        if (startsWith(GATEWAY_TOKEN, from)) {
            return Kind.TOKEN;
        }
        if (startsWith(DONE_SENTINEL, from) || startsWith(GATEWAY_DONE, from)) {
            return Kind.DONE;
        }
        if (startsWith(GATEWAY_ERROR, from)) {
            return Kind.ERROR;
        }
        for (byte[] content : OPENAI_CONTENT) {
            int at = indexOf(content, from);
            if (at >= 0) {
                int after = at + content.length;
                return after < length && line[after] != '"' ? Kind.TOKEN : Kind.OTHER;
            }
        }
        return Kind.OTHER;
    }

    private Kind classifyEvent(int from) {
        int size = length - from;
        if (equalsAt("ping", from, size)) {
            return Kind.PING;
        }
        if (equalsAt("content_block_delta", from, size)) {
            return Kind.TOKEN;
        }
        if (equalsAt("message_stop", from, size)) {
            return Kind.DONE;
        }
        if (equalsAt("error", from, size)) {
            return Kind.ERROR;
        }
        if (equalsAt("message", from, size)) {
            return Kind.NONE;
        }
        return Kind.OTHER;
    }

    private boolean equalsAt(String word, int from, int size) {
        if (word.length() != size) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (line[from + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean startsWith(byte[] prefix, int from) {
        if (from + prefix.length > length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (line[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private int indexOf(byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (line[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
