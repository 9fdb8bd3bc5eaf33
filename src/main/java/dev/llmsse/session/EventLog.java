package dev.llmsse.session;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The ordered record of one generation's events. One writer appends; any number of readers replay what
 * they missed and then follow live, which is what makes resume by {@code Last-Event-ID} and several tabs
 * on one answer work.
 */
public interface EventLog {

    /**
     * Appends the next event without waiting: an implementation backed by a remote store writes in the
     * background, in append order. Callers serialize appends; after a terminal event nothing is appended.
     */
    void append(LoggedEvent event);

    /**
     * Every event with {@code seq > afterSeq}, then live ones; completes after the terminal event.
     * Readers are independent: a slow one delays only itself.
     */
    Flux<LoggedEvent> follow(long afterSeq);

    /** How far the log is: its last position and whether that was the terminal event. */
    Mono<Position> position();

    /**
     * A log's progress.
     *
     * @param lastSeq the last appended position, 0 when empty
     * @param ended   whether the terminal event was appended
     */
    record Position(long lastSeq, boolean ended) {
    }
}
