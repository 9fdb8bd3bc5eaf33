package dev.llmsse.web;

import java.net.URI;
import java.util.List;

import dev.llmsse.security.Callers;
import dev.llmsse.stream.AnswerService;
import dev.llmsse.stream.Attachment;
import dev.llmsse.stream.SessionNotFoundException;
import dev.llmsse.stream.SseFrame;
import dev.llmsse.stream.StreamService;

import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/** The streaming endpoints of the HTTP contract (see {@code docs/protocol.md}). */
@RestController
class StreamController {

    private static final String LAST_EVENT_ID = "Last-Event-ID";

    private final StreamService streams;
    private final AnswerService answers;
    private final ChatRequests requests;
    private final Callers callers;

    StreamController(StreamService streams, AnswerService answers, ChatRequests requests, Callers callers) {
        this.streams = streams;
        this.answers = answers;
        this.requests = requests;
        this.callers = callers;
    }

    /**
     * The one-step stream of the classic {@code EventSource} example; with {@code Accept: application/json}
     * (and no {@code text/event-stream}) the whole answer as one JSON document instead.
     */
    @GetMapping("/api/llm")
    Mono<ResponseEntity<?>> llm(ServerWebExchange exchange) {
        // Everything read up front, as bound arguments were: a header the firewall refuses is a 400 before any check.
        String prompt = parameter(exchange, "prompt");
        String model = parameter(exchange, "model");
        String lastEventId = lastEventId(exchange);
        boolean json = wantsJson(exchange.getRequest().getHeaders().get(HttpHeaders.ACCEPT));
        return callers.of(exchange).flatMap(caller -> {
            ChatRequests.Validated validated = ChatRequests.allowedFor(caller, requests.fromPrompt(prompt, model));
            if (json) {
                return answers.answer(validated.model(), validated.request(), caller.id()).map(ResponseEntity::ok);
            }
            return streams.streamPrompt(validated.model(), validated.request(), lastEventId, caller.id())
                    .flatMap(attachment -> respond(attachment, exchange));
        });
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
        String lastEventId = lastEventId(exchange);
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

    /*
     * The streaming routes read their query parameters and headers from the request rather than as
     * @RequestParam / @RequestHeader arguments: WebFlux resolves each such argument through a Mono of its own and
     * a data binder created for its conversion, on every stream start (five of them per GET /api/llm, and
     * kept by the stream for its whole life; issue 14). A repeated parameter counts with its first value.
     */
    private static String parameter(ServerWebExchange exchange, String name) {
        return exchange.getRequest().getQueryParams().getFirst(name);
    }

    /** The {@code Last-Event-ID} header, or else the {@code lastEventId} parameter (for a reconnect by URL). */
    private static String lastEventId(ServerWebExchange exchange) {
        String header = exchange.getRequest().getHeaders().getFirst(LAST_EVENT_ID);
        return header != null ? header : parameter(exchange, "lastEventId");
    }

    private static Mono<ResponseEntity<?>> respond(Attachment attachment, ServerWebExchange exchange) {
        if (attachment instanceof Attachment.Frames frames) {
            return EventStreamResponse.write(frames.frames().map(SseFrame::bytes), exchange.getResponse())
                    .then(Mono.empty());
        }
        return Mono.just(ResponseEntity.noContent().build());
    }

    /** JSON only when asked for and the client did not also accept an event stream. */
    private static boolean wantsJson(List<String> accept) {
        if (accept == null || accept.isEmpty()) {
            return false;
        }
        List<MediaType> types;
        try {
            types = MediaType.parseMediaTypes(accept);
        } catch (InvalidMediaTypeException malformed) {
            return false;
        }
        boolean json = types.stream().anyMatch(type -> type.isCompatibleWith(MediaType.APPLICATION_JSON)
                && !type.isWildcardType() && type.getQualityValue() > 0);
        boolean events = types.stream().anyMatch(type -> type.isCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                && !type.isWildcardType() && type.getQualityValue() > 0);
        return json && !events;
    }
}
