package dev.llmsse.stream;

import dev.llmsse.session.SessionRecord;

import reactor.core.publisher.Mono;

/**
 * Gives a client a generation's frames from a position: from this replica's copy, or from the shared log
 * ({@code follower}).
 */
record Attachments(GenerationRegistry registry, FrameStreams frames, RemoteFollower follower, Sharing sharing,
        StreamDrain drain) {

    /**
     * Attaches to a generation this replica runs. {@code strict}: a position past its last event is an
     * invalid {@code Last-Event-ID} (a session's id) rather than a reason to start afresh (a one-step one).
     */
    Attachment local(Generation generation, long afterSeq, boolean strict) {
        if (drain.draining() && sharing.othersCanServe()) {
            // Another replica can serve this resume from the shared log; this one is going away.
            throw new ShuttingDownException();
        }
        if (generation.endedBy(afterSeq)) {
            return new Attachment.Ended();
        }
        if (strict && afterSeq > generation.lastSeq()) {
            throw new InvalidLastEventIdException();
        }
        return new Attachment.Frames(frames.of(generation.id(), generation.follow(afterSeq), afterSeq,
                generation::lastSeq));
    }

    /** Attaches to a generation another replica runs (or ran), from the shared log; empty when it has none. */
    Mono<Attachment> remote(SessionRecord record, long afterSeq) {
        return follower.attach(record, afterSeq, frames);
    }

    /**
     * Attaches after a position past 0 to a generation that does not run here: it ran on another replica if
     * anywhere, so only a shared log can serve it.
     */
    Mono<Attachment> afterRun(SessionRecord record, long afterSeq) {
        return sharing.othersCanServe() ? elsewhere(record, afterSeq) : Mono.error(new InvalidLastEventIdException());
    }

    /** Attaches to a session's generation that this replica did not claim. */
    Mono<Attachment> elsewhere(SessionRecord record, long afterSeq) {
        Generation local = registry.find(record.id());
        if (local != null) {
            // Lost the claim to a concurrent attach on this very replica.
            return Mono.fromSupplier(() -> local(local, afterSeq, true));
        }
        return remote(record, afterSeq).switchIfEmpty(Mono.error(InvalidLastEventIdException::new));
    }
}
