package dev.llmsse.stream;

import dev.llmsse.chat.StreamEvent;
import dev.llmsse.session.EventLog;
import dev.llmsse.session.LoggedEvent;

import reactor.core.publisher.Flux;

/**
 * What a generation writes: each event encoded once, at its position, to the log this replica's subscribers
 * read and, unless another replica took the generation over, to the one the other replicas read; and the
 * output it counts on the way. Not thread-safe: the generation calls it under its monitor, which is what
 * keeps the log's order total.
 */
final class GenerationLog {

    private final EventLog local;
    private final EventLog shared;
    private final int maxEvents;
    /** Whether appends go to the shared log too; not once another replica owns it. */
    private boolean mirrored = true;
    private long lastSeq;
    private long deltas;
    private Long reportedOutputTokens;

    GenerationLog(EventLog local, EventLog shared, int maxEvents) {
        this.local = local;
        this.shared = shared;
        this.maxEvents = maxEvents;
    }

    /** The log after {@code afterSeq}, then live. */
    Flux<LoggedEvent> follow(long afterSeq) {
        return local.follow(afterSeq);
    }

    long lastSeq() {
        return lastSeq;
    }

    /** Whether only a terminal event fits any more. */
    boolean full() {
        return lastSeq + 1 >= maxEvents;
    }

    /** Counts what the upstream sent, whether or not it is logged as sent. */
    void count(StreamEvent event) {
        if (event instanceof StreamEvent.Token || event instanceof StreamEvent.ToolCallDelta) {
            deltas++;
        } else if (event instanceof StreamEvent.Done done && done.usage() != null) {
            reportedOutputTokens = done.usage().outputTokens();
        }
    }

    LoggedEvent append(StreamEvent event) {
        lastSeq++;
        LoggedEvent logged = FrameEncoder.encode(lastSeq, event);
        local.append(logged);
        if (shared != local && mirrored) {
            shared.append(logged);
        }
        return logged;
    }

    /** Another replica writes the shared log from now on. */
    void stopMirroring() {
        mirrored = false;
    }

    /**
     * Output tokens produced: as the provider reported them in its final usage, otherwise (a stop, a cancel,
     * an error) the number of text and tool-argument deltas sent, each being at least one token.
     */
    long outputTokens() {
        return reportedOutputTokens != null ? reportedOutputTokens : deltas;
    }
}
