package dev.llmsse.web.openai;

import java.nio.charset.StandardCharsets;

import dev.llmsse.stream.EventId;
import dev.llmsse.stream.SseFrame;
import dev.llmsse.web.DoorFrame;

import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

/**
 * Translates one client's frames of our protocol, as the stream core made them, into OpenAI's stream: each token
 * a {@code chat.completion.chunk}, tool-call events its {@code tool_calls} deltas, the end a finish chunk, a
 * usage chunk and {@code data: [DONE]}, a failure a {@code data: {"error": …}} event and no {@code [DONE]}.
 *
 * <p>What OpenAI's clients must not see is left out or changed. The {@code retry} hint goes: OpenAI's Python SDK
 * turns a block without data into an empty event and fails to parse it. Heartbeats become a comment line
 * without the blank line after it, for the same reason: that SDK never forgets the last event id, so a blank line
 * after a comment would dispatch an empty event too. The hint that hands a client to another replica (a
 * shutdown) becomes a retryable error event: OpenAI's clients do not reconnect by themselves, and a stream that
 * ended without {@code [DONE]} and without an error would read as a complete, short answer.
 *
 * <p>Event ids are the core's, so a client that resends the same request with {@code Last-Event-ID} resumes. Where
 * one of our events becomes several events, only the last carries the id: a client cut between them resumes
 * before the whole group and misses none of it. One instance per response; not thread-safe (frames arrive in
 * order, one at a time).
 */
final class ChunkStream {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final byte[] HEARTBEAT = ": keep-alive\n".getBytes(StandardCharsets.US_ASCII);
    private static final String DONE = "data: [DONE]\n\n";
    private static final byte[] ID = "id: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TEXT_END = (ChunkJson.TEXT_SUFFIX + "\n\n").getBytes(StandardCharsets.US_ASCII);
    /** Our token frame's bytes: {@code id:<id>\ndata:{"token":"<escaped>"}\n\n}, as {@link SseFrame#of} writes them. */
    private static final int TOKEN_HEAD = "id:".length() + "\ndata:{\"token\":\"".length();
    private static final int TOKEN_TAIL = "\"}\n\n".length();
    /** Where a frame's id starts in its bytes, after {@code id:}. */
    private static final int ID_AT = "id:".length();

    private final DoorFrame.Reader reader = new DoorFrame.Reader();
    private final String model;
    private final long created;
    private ChunkJson json;
    private byte[] textHead;
    private byte[] textHeadWithRole;
    private boolean roleSent;
    private String lastId;

    private ChunkStream(String model, long created) {
        this.model = model;
        this.created = created;
    }

    /** OpenAI's stream for one client's {@code frames}, answering {@code model}, created at {@code created}. */
    static Flux<byte[]> of(Flux<SseFrame> frames, String model, long created) {
        return DoorFrame.translate(frames, () -> new ChunkStream(model, created)::translate);
    }

    /** The bytes to send for {@code frame}, or null for none. */
    byte[] translate(SseFrame frame) {
        if (json != null && frame.id() != null && DoorFrame.isToken(frame) && laidOut(frame)) {
            // The frame sent most, spliced without reading it into a DoorFrame (a record and a substring per token).
            // The reader has read a frame with an id before (json is made from it), so no leading retry is due.
            return textEvent(frame);
        }
        DoorFrame read = reader.read(frame);
        if (read == null) {
            return null;
        }
        if (read instanceof DoorFrame.Heartbeat) {
            return HEARTBEAT;
        }
        if (read.id() != null && json == null) {
            EventId id = EventId.parse(read.id());
            json = ChunkJson.of("chatcmpl-" + (id == null ? read.id() : id.generationId()), model, created);
        }
        if (read instanceof DoorFrame.Token && read.id() != null && json != null && laidOut(frame)) {
            return textEvent(frame);
        }
        String out = chunks(read);
        return out == null ? null : bytes(out);
    }

    /**
     * The chunks of one frame: a token, a tool call's start or arguments, reasoning text (as
     * {@code reasoning_content}), the end, or a failure. A tool call's end and a reasoning block's start and end
     * have no chunk of their own, and frames of later protocol versions are not part of OpenAI's stream.
     */
    private String chunks(DoorFrame frame) {
        String id = frame.id();
        if (frame instanceof DoorFrame.Token token) {
            return event(id, chunks().text(token.escapedText(), takeRole()));
        }
        if (frame instanceof DoorFrame.ToolStart start) {
            String callId = Usage.callId(start.callId(), chunks().completionId(), start.index());
            return event(id, chunks().toolCallStart(start.index(), callId, start.name(), takeRole()));
        }
        if (frame instanceof DoorFrame.ToolDelta delta) {
            return event(id, chunks().toolCallArguments(delta.index(), delta.arguments(), takeRole()));
        }
        if (frame instanceof DoorFrame.ReasoningDelta reasoning) {
            return event(id, chunks().reasoning(reasoning.text(), takeRole()));
        }
        if (frame instanceof DoorFrame.Done done) {
            String finish = chunks().finish(Usage.finishReason(done.finishReason()), takeRole());
            String last = chunks().usage(Usage.of(done.usage()));
            return event(null, finish) + event(id, last) + DONE;
        }
        if (frame instanceof DoorFrame.Failed failed) {
            // A logged failure is part of the answer: resuming would only replay it. One the gateway made for this
            // client alone (no id: slow_client, stalled) can be resumed from the last event it got. The usage known
            // so far goes first, in OpenAI's usage chunk: its error event has no place for it.
            String usage = failed.usage() == null ? "" : event(null, chunks().usage(Usage.of(failed.usage())));
            return usage + event(id, failed(failed, id == null ? lastId : null));
        }
        if (frame instanceof DoorFrame.HandedOff) {
            return event(null, handedOff());
        }
        return null;
    }

    /**
     * A token's event, the one sent most: its chunk's bytes made once per response, the token's escaped bytes
     * copied from our frame's, so a token costs one array and no string or UTF-8 encoding (the door's events/s
     * came within 92-95% of {@code /api/llm} in the benchmark when each token built and encoded three strings).
     */
    private byte[] textEvent(SseFrame frame) {
        boolean withRole = takeRole();
        if (textHead == null) {
            textHead = json.textPrefix().getBytes(StandardCharsets.UTF_8);
            textHeadWithRole = json.textPrefixWithRole().getBytes(StandardCharsets.UTF_8);
        }
        byte[] head = withRole ? textHeadWithRole : textHead;
        byte[] wire = frame.bytes();
        // laidOut made sure the id is ASCII, so its bytes are the frame's, right after "id:".
        int idLength = frame.id().length();
        int from = TOKEN_HEAD + idLength;
        int length = wire.length - TOKEN_TAIL - from;
        lastId = frame.id();
        byte[] out = new byte[ID.length + idLength + DATA.length + head.length + length + TEXT_END.length];
        int at = put(out, 0, ID, 0, ID.length);
        at = put(out, at, wire, ID_AT, idLength);
        at = put(out, at, DATA, 0, DATA.length);
        at = put(out, at, head, 0, head.length);
        at = put(out, at, wire, from, length);
        put(out, at, TEXT_END, 0, TEXT_END.length);
        return out;
    }

    /**
     * Whether the token frame's bytes are laid out as {@link SseFrame#of} writes them; else the string path. The
     * newline right after as many bytes as the id has characters also proves the id ASCII: {@code SseFrame.of}
     * refuses an id with a newline, and a non-ASCII id is longer in bytes, so that byte would be one of its own.
     */
    private static boolean laidOut(SseFrame frame) {
        byte[] wire = frame.bytes();
        int idLength = frame.id().length();
        return wire != null && wire.length >= TOKEN_HEAD + idLength + TOKEN_TAIL
                && wire[0] == 'i' && wire[1] == 'd' && wire[2] == ':' && wire[ID_AT + idLength] == '\n'
                && wire[TOKEN_HEAD + idLength - 1] == '"' && wire[wire.length - TOKEN_TAIL] == '"';
    }

    private static int put(byte[] out, int at, byte[] from, int offset, int length) {
        System.arraycopy(from, offset, out, at, length);
        return at + length;
    }

    private static String failed(DoorFrame.Failed failed, String resumeFrom) {
        OpenAiError.Body body = new OpenAiError.Body(failed.message(), "server_error", null, failed.code(),
                failed.retryable(), resumeFrom);
        return JSON.writeValueAsString(new OpenAiError(body));
    }

    private String handedOff() {
        return JSON.writeValueAsString(new OpenAiError(new OpenAiError.Body(
                "the gateway replica serving this stream is shutting down; send the same request again with the "
                        + "Last-Event-ID header set to last_event_id to resume", "server_error", null, "shutdown",
                true, lastId)));
    }

    /** One SSE event; its id (if any) becomes this client's resume point. */
    private String event(String id, String data) {
        if (id == null) {
            return "data: " + data + "\n\n";
        }
        lastId = id;
        return "id: " + id + "\ndata: " + data + "\n\n";
    }

    private ChunkJson chunks() {
        if (json == null) {
            // Every event of the core that becomes a chunk has an id; this is only a guard.
            json = ChunkJson.of("chatcmpl-unknown", model, created);
        }
        return json;
    }

    /** Whether this chunk is the response's first, which names the role as OpenAI's first chunk does. */
    private boolean takeRole() {
        boolean first = !roleSent;
        roleSent = true;
        return first;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
