package dev.llmsse.web.aisdk;

import java.nio.charset.StandardCharsets;

import dev.llmsse.stream.ClientConnection;
import dev.llmsse.stream.SseFrame;

import reactor.core.publisher.Flux;
import reactor.netty.channel.AbortedException;

/**
 * One client's response in the AI SDK's UI message stream protocol: the {@code start} of the message, then the
 * translation of our frames ({@link UiMessageChunks}), then {@code [DONE]} once the answer's terminal chunk is
 * out. Every response replays the answer from its start with the same message id, which is what the AI SDK's
 * default transport expects of a resume ({@code resumeStreamIsReplay}): it rebuilds the message from that start.
 */
final class UiMessageStream {

    private UiMessageStream() {
    }

    /** The bytes to write for {@code frames}, the client's frames of generation {@code messageId} from its start. */
    static Flux<byte[]> of(String messageId, Flux<SseFrame> frames) {
        // Deferred: each subscription is one client with its own open parts, and its connection is in the context.
        return Flux.deferContextual(context -> {
            ClientConnection connection = context.getOrDefault(ClientConnection.class, ClientConnection.NONE);
            UiMessageChunks chunks = new UiMessageChunks();
            return Flux.fromIterable(UiMessageChunks.opening(messageId))
                    .concatWith(frames.concatMapIterable(chunks::translate))
                    .concatWith(Flux.defer(() -> chunks.ended() ? Flux.just(UiMessageChunks.DONE) : cut(connection)))
                    .map(event -> event.getBytes(StandardCharsets.UTF_8));
        });
    }

    /**
     * The answer did not end on this connection: the gateway cut this client (it stopped reading, or stalled), or
     * handed it off at a shutdown. Our own protocol says so with a frame or a {@code retry} hint, which the AI SDK
     * has no chunk for; a clean end would look like a complete (short) answer. So the connection is reset: the AI
     * SDK sees a network failure, which is what it resumes after ({@code GET /api/chat/{id}/stream}). The error
     * is the one Spring treats as a client gone away: nothing to answer, nothing logged above debug.
     */
    private static Flux<String> cut(ClientConnection connection) {
        connection.reset();
        return Flux.error(new AbortedException("the answer did not end on this connection; resume it"));
    }
}
