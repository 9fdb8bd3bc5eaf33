package dev.llmsse.web;

import java.net.URI;

import dev.llmsse.security.Callers;
import dev.llmsse.stream.Attachment;
import dev.llmsse.stream.SessionNotFoundException;
import dev.llmsse.stream.SseFrame;
import dev.llmsse.stream.StreamService;

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
 * The session endpoints of the HTTP contract (see {@code docs/protocol.md}); the one-step {@code GET /api/llm} is
 * {@link OneStepRoute}.
 */
@RestController
class StreamController {

    private final StreamService streams;
    private final ChatRequests requests;
    private final Callers callers;

    StreamController(StreamService streams, ChatRequests requests, Callers callers) {
        this.streams = streams;
        this.requests = requests;
        this.callers = callers;
    }

    /** Creates a generation from a JSON body; the first attach to its stream starts it. */
    @PostMapping(path = "/api/sessions", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<SessionCreated>> createSession(@RequestBody SessionRequest body, ServerWebExchange exchange) {
        return callers.of(exchange).flatMap(caller -> {
            ChatRequests.Validated validated = ChatRequests.allowedFor(caller,
                    requests.requireBodyWithin(exchange, requests.fromBody(body)));
            return streams.createSession(validated.model(), validated.request(), caller.id());
        }).map(id -> {
            String streamUrl = "/api/sessions/" + id + "/stream";
            // JSON even when Accept prefers text/event-stream (negotiation would pick the SSE writer).
            return ResponseEntity.created(URI.create(streamUrl)).contentType(MediaType.APPLICATION_JSON)
                    .body(new SessionCreated(id, streamUrl));
        });
    }

    /** Attaches to a session's generation; honours {@code Last-Event-ID}. */
    @GetMapping("/api/sessions/{id}/stream")
    Mono<ResponseEntity<?>> sessionStream(@PathVariable String id, ServerWebExchange exchange) {
        // read here, not bound as arguments: see OneStepRoute
        String lastEventId = OneStepRoute.lastEventId(exchange);
        return owned(id, exchange).then(Mono.defer(() -> streams.attachSession(id, lastEventId)))
                .flatMap(attachment -> respond(attachment, exchange));
    }

    /** Stops a session's generation now. */
    @PostMapping("/api/sessions/{id}/stop")
    Mono<ResponseEntity<Void>> stop(@PathVariable String id, ServerWebExchange exchange) {
        return owned(id, exchange).then(Mono.defer(() -> streams.stop(id)))
                .then(Mono.fromSupplier(() -> ResponseEntity.noContent().build()));
    }

    /**
     * Another principal's session is answered as unknown (404), so that ids cannot be probed. A caller
     * without credentials holds only the id, which is the capability of a created session (see
     * {@code docs/security.md}). A one-step {@code GET /api/llm} answer has no such capability: its id is in
     * every frame it sends, so only the principal that started it may reach it here (issue 18).
     */
    private Mono<Void> owned(String id, ServerWebExchange exchange) {
        return callers.of(exchange).flatMap(caller -> streams.session(id).flatMap(record -> {
            boolean allowed = record.oneStep() ? caller.id().equals(record.principal())
                    : caller.owns(record.principal());
            return allowed ? Mono.<Void>empty() : Mono.error(new SessionNotFoundException());
        }));
    }

    private static Mono<ResponseEntity<?>> respond(Attachment attachment, ServerWebExchange exchange) {
        if (attachment instanceof Attachment.Frames frames) {
            return EventStreamResponse.write(frames.frames().map(SseFrame::bytes), exchange.getResponse())
                    .then(Mono.empty());
        }
        return Mono.just(ResponseEntity.noContent().build());
    }
}
