package dev.llmsse.web.aisdk;

import dev.llmsse.security.Callers;
import dev.llmsse.stream.Attachment;
import dev.llmsse.stream.SessionNotFoundException;
import dev.llmsse.stream.StreamService;
import dev.llmsse.web.ChatRequests;
import dev.llmsse.web.EventStreamResponse;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/**
 * The AI SDK's chat endpoints, as {@code useChat} and its {@code DefaultChatTransport} call them. Each
 * {@code POST /api/chat} is one session of our core, started at once and streamed as a UI message stream;
 * {@code GET /api/chat/{id}/stream} replays the chat's answer while it is being written ({@code useChat({resume:
 * true})}), and {@code POST /api/chat/{id}/stop} stops it. Errors before the stream are our problem documents.
 */
@RestController
record AiSdkChatController(StreamService streams, UiChatRequests requests, ActiveChats chats, Callers callers) {

    /** The header by which the AI SDK knows a UI message stream. */
    static final String UI_MESSAGE_STREAM_HEADER = "x-vercel-ai-ui-message-stream";

    /** Answers the conversation: a new session, pointed to by the chat, streamed from its start. */
    @PostMapping(path = "/api/chat", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<?>> chat(@RequestBody UiChatRequest body, ServerWebExchange exchange) {
        return callers.of(exchange).flatMap(caller -> {
            ChatRequests.Validated validated = ChatRequests.allowedFor(caller, requests.validate(body, exchange));
            return streams.createSession(validated.model(), validated.request(), caller.id())
                    // The chat points at the session before a byte of the answer leaves, so that a client cut
                    // after its first chunk always finds it again.
                    .flatMap(sessionId -> chats.answeredBy(caller, body.id(), sessionId)
                            .then(Mono.defer(() -> streams.attachSession(sessionId, null)))
                            .flatMap(attachment -> respond(sessionId, attachment, exchange)));
        });
    }

    /**
     * Replays the chat's answer from its start while it is being written; 204 when there is none (finished,
     * stopped, never started, or another caller's), which tells {@code useChat} that there is nothing to resume.
     */
    @GetMapping("/api/chat/{id}/stream")
    Mono<ResponseEntity<?>> resume(@PathVariable String id, ServerWebExchange exchange) {
        UiChatRequests.requireChatId(id);
        return callers.of(exchange).flatMap(caller -> chats.active(caller, id))
                .flatMap(sessionId -> streams.attachSession(sessionId, null)
                        .map(attachment -> new Answer(sessionId, attachment))
                        // Gone between the two calls (its retention over, or evicted): nothing to resume either.
                        .onErrorResume(SessionNotFoundException.class, gone -> Mono.empty()))
                .defaultIfEmpty(Answer.NONE)
                .flatMap(answer -> respond(answer.sessionId(), answer.attachment(), exchange));
    }

    /** A chat's answer to attach to; {@link #NONE} when there is nothing to resume. */
    private record Answer(String sessionId, Attachment attachment) {
        static final Answer NONE = new Answer(null, new Attachment.Ended());
    }

    /**
     * Stops the chat's answer now, wherever it runs; every client following it gets its end. 204 also when there
     * is nothing to stop: the AI SDK's own stop only closes its request, so a stop may well come late.
     */
    @PostMapping("/api/chat/{id}/stop")
    Mono<ResponseEntity<Void>> stop(@PathVariable String id, ServerWebExchange exchange) {
        UiChatRequests.requireChatId(id);
        return callers.of(exchange).flatMap(caller -> chats.latest(caller, id))
                .flatMap(sessionId -> streams.stop(sessionId)
                        .onErrorResume(SessionNotFoundException.class, gone -> Mono.empty()))
                .then(Mono.fromSupplier(() -> ResponseEntity.noContent().build()));
    }

    /** Writes the UI message stream, or answers 204; the handler result is empty once the stream is written. */
    private static Mono<ResponseEntity<?>> respond(String sessionId, Attachment attachment,
            ServerWebExchange exchange) {
        if (attachment instanceof Attachment.Frames frames) {
            exchange.getResponse().getHeaders().set(UI_MESSAGE_STREAM_HEADER, "v1");
            return EventStreamResponse.write(UiMessageStream.of(sessionId, frames.frames()), exchange.getResponse())
                    .then(Mono.empty());
        }
        return Mono.just(ResponseEntity.noContent().build());
    }
}
