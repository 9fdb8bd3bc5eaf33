package dev.llmsse.stream;

import reactor.core.publisher.Flux;

/** What a client gets when it attaches to a stream. */
public sealed interface Attachment {

    /** The frames to send: {@code retry}, then the log from the client's position, with heartbeats. */
    record Frames(Flux<SseFrame> frames) implements Attachment {
    }

    /** The client has already seen the terminal frame: answer 204 so that {@code EventSource} stops. */
    record Ended() implements Attachment {
    }
}
