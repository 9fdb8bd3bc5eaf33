package dev.llmsse.web.openai;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import dev.llmsse.stream.AnswerService;
import dev.llmsse.stream.Attachment;
import dev.llmsse.stream.StreamService;
import dev.llmsse.web.ChatRequests;
import dev.llmsse.web.EventStreamResponse;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code POST /v1/chat/completions}. A stream is a one-step generation of the core, like {@code GET /api/llm}: the same
 * admission, heartbeats, cancel on disconnect and limits, and a resend of the same request with
 * {@code Last-Event-ID} resumes it on any replica. A non-streaming request is the core's JSON answer.
 */
@RestController
record OpenAiController(StreamService streams, AnswerService answers, CompletionRequests requests) {

    private static final byte[] ONLY_DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

    /** A chat completion, streamed when the body says {@code "stream": true}. */
    @PostMapping(path = "/v1/chat/completions", consumes = MediaType.APPLICATION_JSON_VALUE)
    Mono<ResponseEntity<?>> completions(@RequestBody CompletionRequest body,
            @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
            ServerWebExchange exchange) {
        return requests.admit(body, exchange).flatMap(admitted -> {
            ChatRequests.Validated validated = admitted.validated();
            String principal = admitted.caller().id();
            if (!body.streaming()) {
                // JSON whatever Accept prefers: negotiation would pick the SSE writer for text/event-stream.
                return answers.answer(validated.model(), validated.request(), principal)
                        .map(answer -> ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                                .body(Completion.of(answer)));
            }
            String model = validated.model().qualifiedName();
            long created = Instant.now().getEpochSecond();
            return streams.streamPrompt(validated.model(), validated.request(), lastEventId, principal)
                    .flatMap(attachment -> EventStreamResponse.write(chunks(attachment, model, created),
                            exchange.getResponse()))
                    .then(Mono.empty());
        });
    }

    /**
     * A resume from the terminal event on has nothing left to send: our protocol answers 204 so that an
     * {@code EventSource} stops, but OpenAI's clients read a stream, so they get one that only ends.
     */
    private static Flux<byte[]> chunks(Attachment attachment, String model, long created) {
        if (attachment instanceof Attachment.Frames frames) {
            return ChunkStream.of(frames.frames(), model, created);
        }
        return Flux.just(ONLY_DONE);
    }
}
