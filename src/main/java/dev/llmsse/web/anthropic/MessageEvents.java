package dev.llmsse.web.anthropic;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import dev.llmsse.stream.EventId;
import dev.llmsse.stream.SseFrame;
import dev.llmsse.web.DoorFrame;

import reactor.core.publisher.Flux;

/**
 * Translates one client's frames of our protocol, as the stream core made them, into Anthropic's stream: the first
 * part of the answer opens the message ({@code message_start}); text is a text block's {@code text_delta}s, a tool
 * call a {@code tool_use} block's {@code input_json_delta}s, each block opened by {@code content_block_start} and
 * closed by {@code content_block_stop}; the end is {@code message_delta} (stop reason and counts) and
 * {@code message_stop}; a failure an {@code error} event; a heartbeat Anthropic's {@code ping} event.
 *
 * <p>Blocks are numbered in order of appearance. A text block is closed when a tool call begins, tool blocks when
 * text follows them or at their {@code tool_end}, and whatever is still open at the end, in index order. Parallel
 * tool calls whose arguments interleave keep their blocks open side by side, each under its own index, which is
 * how Anthropic's SDKs accumulate them.
 *
 * <p>Event ids are the core's. Where one of our frames becomes several events, only the last carries the id: a
 * client cut between them resumes before the whole group and misses none of it. A resume must continue the same
 * block numbering, so the controller replays the answer from its start and {@code resumeAfter} names the
 * client's last event: everything up to it is translated (to keep the numbering) but not sent. One instance per
 * response; not thread-safe (frames arrive in order, one at a time).
 */
final class MessageEvents {

    private static final byte[] PING = "event: ping\ndata: {\"type\":\"ping\"}\n\n".getBytes(StandardCharsets.US_ASCII);

    private final DoorFrame.Reader reader = new DoorFrame.Reader();
    private final String model;
    private final EventId resumeAfter;
    private final Map<Integer, Integer> openTools = new TreeMap<>();
    private EventJson json;
    private int blocks;
    private int openText = -1;
    private String lastId;
    // Whether the replay of a resume has reached the client's last event: heartbeats wait for it, so that none
    // comes before the rest of the answer, nor after an answer the client already has to its end.
    private boolean caughtUp;

    private MessageEvents(String model, EventId resumeAfter) {
        this.model = model;
        this.resumeAfter = resumeAfter;
        this.lastId = resumeAfter == null ? null : resumeAfter.toString();
        this.caughtUp = resumeAfter == null;
    }

    /**
     * Anthropic's stream for one client's {@code frames}, answering {@code model}; with {@code resumeAfter}, the
     * frames are the answer from its start and only what follows that event is sent.
     */
    static Flux<byte[]> of(Flux<SseFrame> frames, String model, EventId resumeAfter) {
        return DoorFrame.translate(frames, () -> new MessageEvents(model, resumeAfter)::translate);
    }

    /** The bytes to send for {@code frame}, or null for none. */
    byte[] translate(SseFrame frame) {
        DoorFrame read = reader.read(frame);
        if (read == null || read instanceof DoorFrame.Other || read instanceof DoorFrame.ReasoningDelta) {
            // Reasoning is not mapped to thinking blocks yet (docs/compatibility.md): left out like other extras.
            return null;
        }
        if (read instanceof DoorFrame.Heartbeat) {
            return caughtUp ? PING : null;
        }
        if (read.id() != null && json == null) {
            EventId id = EventId.parse(read.id());
            json = new EventJson("msg_" + (id == null ? read.id() : id.generationId()), model);
        }
        StringBuilder out = new StringBuilder();
        String id = translate(read, out);
        if (alreadySent(id)) {
            caughtUp = id.equals(resumeAfter.toString()) && !(read instanceof DoorFrame.Done || read instanceof DoorFrame.Failed);
            return null;
        }
        caughtUp = true;
        if (id != null) {
            lastId = id;
        }
        return out.isEmpty() ? null : out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Appends the events for {@code frame}, the id on the last one; returns that id. */
    private String translate(DoorFrame frame, StringBuilder out) {
        String id = frame.id();
        if (frame instanceof DoorFrame.Token token) {
            text(token, out);
        } else if (frame instanceof DoorFrame.ToolStart start) {
            toolStart(start, out);
        } else if (frame instanceof DoorFrame.ToolDelta delta) {
            Integer index = openTools.get(delta.index());
            if (index != null) {
                event(out, id, json().inputDelta(index, delta.arguments()));
            }
        } else if (frame instanceof DoorFrame.ToolEnd end) {
            Integer index = openTools.remove(end.index());
            if (index != null) {
                event(out, id, json().blockStop(index));
            }
        } else if (frame instanceof DoorFrame.Done done) {
            closeText(out);
            closeTools(out);
            event(out, null, json().messageDelta(AnthropicMessage.stopReason(done.finishReason()),
                    AnthropicMessage.Usage.of(done.usage())));
            event(out, id, json().messageStop());
        } else if (frame instanceof DoorFrame.Failed failed) {
            // A logged failure is part of the answer: resuming would only replay it. One the gateway made for this
            // client alone (no id: slow_client, stalled) can be resumed from the last event it got.
            event(out, id, EventJson.error(AnthropicError.midStream(failed.code(), failed.message(),
                    failed.retryable(), id == null ? lastId : null)));
        } else if (frame instanceof DoorFrame.HandedOff) {
            event(out, null, EventJson.error(AnthropicError.midStream("shutdown", "the gateway replica serving this "
                    + "stream is shutting down; send the same request again with the Last-Event-ID header set to "
                    + "last_event_id to resume", true, lastId)));
        }
        return id;
    }

    private void text(DoorFrame.Token token, StringBuilder out) {
        if (openText < 0) {
            closeTools(out);
            openText = blocks++;
            event(out, null, json().textStart(openText));
        }
        event(out, token.id(), json().textDelta(openText, token.escapedText()));
    }

    private void toolStart(DoorFrame.ToolStart start, StringBuilder out) {
        closeText(out);
        int index = blocks++;
        openTools.put(start.index(), index);
        event(out, null, json().toolStart(index,
                AnthropicMessage.toolUseId(start.callId(), json().messageId(), index), start.name()));
        // An empty first fragment, as Anthropic sends it: a call without arguments still has its input.
        event(out, start.id(), json().inputDelta(index, ""));
    }

    /** Whether the client named this event (or a later one) when it resumed: it has it already. */
    private boolean alreadySent(String id) {
        if (resumeAfter == null || id == null) {
            return false;
        }
        EventId event = EventId.parse(id);
        return event != null && event.generationId().equals(resumeAfter.generationId())
                && event.seq() <= resumeAfter.seq();
    }

    private void closeText(StringBuilder out) {
        if (openText >= 0) {
            event(out, null, json().blockStop(openText));
            openText = -1;
        }
    }

    private void closeTools(StringBuilder out) {
        openTools.values().stream().sorted().forEach(index -> event(out, null, json().blockStop(index)));
        openTools.clear();
    }

    /** Opens the message before its first block or its end, once; then appends one SSE event. */
    private void event(StringBuilder out, String id, EventJson.Event event) {
        if (!json().started() && !event.type().equals("error")) {
            out.append(json().start().sse(null));
        }
        out.append(event.sse(id));
    }

    private EventJson json() {
        if (json == null) {
            // Every frame of the core that becomes an event of the message has an id; this is only a guard.
            json = new EventJson("msg_unknown", model);
        }
        return json;
    }
}
