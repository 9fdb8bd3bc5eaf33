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
    /** What the provider told of its usage before its end (input and cache tokens), or null. */
    private StreamEvent.Usage usageSoFar;

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
        if (event instanceof StreamEvent.Token || event instanceof StreamEvent.ToolCallDelta
                || event instanceof StreamEvent.ReasoningDelta) {
            deltas++;
        } else if (event instanceof StreamEvent.UsageSoFar known) {
            usageSoFar = known.usage();
        } else if (event instanceof StreamEvent.Done done && done.usage() != null) {
            reportedOutputTokens = done.usage().outputTokens();
        }
    }

    /**
     * {@code terminal} with the usage known so far where it ends the answer short (a stop, or any failure) and
     * carries none of its own: the input and cache tokens the provider told before its end, and the output
     * tokens counted here, marked estimated. Nothing is added when nothing is known (a failure before any
     * output, from a provider that tells nothing early). A normal end keeps the provider's own usage.
     */
    StreamEvent withUsageSoFar(StreamEvent terminal) {
        boolean shortEnd = terminal instanceof StreamEvent.Failed failed && failed.usage() == null
                || terminal instanceof StreamEvent.Done done && done.usage() == null && "stopped".equals(done.finishReason());
        if (!shortEnd || (deltas == 0 && usageSoFar == null)) {
            return terminal;
        }
        StreamEvent.Usage known = usageSoFar != null ? usageSoFar : new StreamEvent.Usage(null, null, null);
        StreamEvent.Usage usage = new StreamEvent.Usage(known.inputTokens(), outputTokens(), null,
                known.cacheReadTokens(), known.cacheWriteTokens(), reportedOutputTokens == null);
        return terminal instanceof StreamEvent.Failed failed ? failed.withUsage(usage)
                : new StreamEvent.Done("stopped", usage);
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
     * an error) the number of text, reasoning and tool-argument deltas sent, each being at least one token. The
     * same number is in the terminal frame's usage ({@link #withUsageSoFar}) and settles the token limit.
     */
    long outputTokens() {
        return reportedOutputTokens != null ? reportedOutputTokens : deltas;
    }
}
