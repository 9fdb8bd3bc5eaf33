package dev.llmsse.web.anthropic;

import java.util.UUID;

import dev.llmsse.security.Callers;
import dev.llmsse.stream.AnswerService;
import dev.llmsse.stream.Attachment;
import dev.llmsse.stream.EventId;
import dev.llmsse.stream.StreamService;
import dev.llmsse.web.ChatRequests;
import dev.llmsse.web.EventStreamResponse;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code POST /v1/messages}. A stream is a one-step generation of the core, like {@code GET /api/llm}: the same
 * admission, heartbeats, cancel on disconnect and limits, and a resend of the same request with
 * {@code Last-Event-ID} resumes it on any replica. A non-streaming request is the core's JSON answer.
 */
@RestController
record AnthropicController(StreamService streams, AnswerService answers, MessagesRequests requests, Callers callers) {

    /** A message, streamed when the body says {@code "stream": true}. */
    @PostMapping(path = "/v1/messages", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<?>> messages(@RequestBody MessagesRequest body,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
            ServerWebExchange exchange) {
        return callers.of(exchange).flatMap(caller -> {
            ChatRequests.Validated validated = ChatRequests.allowedFor(caller, requests.translate(body, exchange));
            return body.streaming() ? stream(validated, caller.id(), lastEventId, exchange.getResponse())
                    : answer(validated, caller.id());
        });
    }

    /** The whole message as JSON, whatever Accept prefers (negotiation would pick the SSE writer for SSE). */
    private Mono<ResponseEntity<?>> answer(ChatRequests.Validated validated, String principal) {
        String id = "msg_" + UUID.randomUUID().toString().replace("-", "");
        return answers.answer(validated.model(), validated.request(), principal).map(answer -> ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_JSON).body(AnthropicMessage.of(id, answer)));
    }

    /** A resume replays the answer from its start, so that its blocks keep their numbers ({@link MessageEvents}). */
    private Mono<ResponseEntity<?>> stream(ChatRequests.Validated validated, String principal, String lastEventId,
            ServerHttpResponse response) {
        EventId resumeAfter = EventId.parse(lastEventId);
        String from = resumeAfter == null ? lastEventId : new EventId(resumeAfter.generationId(), 0).toString();
        String model = validated.model().qualifiedName();
        return streams.streamPrompt(validated.model(), validated.request(), from, principal)
                .flatMap(attachment -> EventStreamResponse.write(attachment instanceof Attachment.Frames frames
                        ? MessageEvents.of(frames.frames(), model, resumeAfter) : Flux.empty(), response))
                .then(Mono.empty());
    }
}
