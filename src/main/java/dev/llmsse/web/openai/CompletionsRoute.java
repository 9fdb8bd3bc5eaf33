package dev.llmsse.web.openai;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.llmsse.stream.AnswerService;
import dev.llmsse.stream.Attachment;
import dev.llmsse.stream.StreamService;
import dev.llmsse.web.ChatRequests;
import dev.llmsse.web.EventStreamResponse;
import dev.llmsse.web.StreamRoutes;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code POST /v1/chat/completions}. A stream is a one-step generation of the core, like {@code GET /api/llm}: the same
 * admission, heartbeats, cancel on disconnect and limits, and a resend of the same request with
 * {@code Last-Event-ID} resumes it on any replica. A non-streaming request is the core's JSON answer.
 *
 * <p>A functional endpoint, not a {@code @PostMapping}, for the reason {@code GET /api/llm} is one: an annotated
 * method is called through an {@code InvocableHandlerMethod} made per request (its argument-resolver cache a
 * 2 KB table, and a binding context), which a stream keeps for its whole life (issue 14, and issue 16's
 * "within 5% of {@code /api/llm}"). The body is read by the same strict JSON decoder and fails the same way: a
 * decoding error is Spring's {@code ServerWebInputException}, a body that is not JSON its
 * {@code UnsupportedMediaTypeStatusException}; both reach {@code ProblemHandler}, and {@link OpenAiErrorShape}
 * gives them OpenAI's shape.
 */
@Configuration(proxyBeanMethods = false)
class CompletionsRoute {

    static final String PATH = "/v1/chat/completions";
    private static final byte[] ONLY_DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final String LAST_EVENT_ID = "Last-Event-ID";

    private final StreamService streams;
    private final AnswerService answers;
    private final CompletionRequests requests;

    CompletionsRoute(StreamService streams, AnswerService answers, CompletionRequests requests) {
        this.streams = streams;
        this.answers = answers;
        this.requests = requests;
    }

    /** POST only; any other method is a 405 naming POST. */
    @Bean
    RouterFunction<ServerResponse> chatCompletions() {
        return StreamRoutes.only(HttpMethod.POST, PATH, this::handle);
    }

    /**
     * A chat completion, streamed when the body says {@code "stream": true}. Deferred, so that what the checks
     * throw is an error of the handler's result, which {@code ProblemHandler} answers: thrown from the handler
     * itself, it would pass the dispatcher's exception handling by.
     */
    Mono<ServerResponse> handle(ServerRequest request) {
        return Mono.defer(() -> {
            ServerWebExchange exchange = request.exchange();
            // Read before the body, as the header argument was: a header the firewall refuses is a 400 first.
            String lastEventId = exchange.getRequest().getHeaders().getFirst(LAST_EVENT_ID);
            requireJson(request);
            return request.bodyToMono(CompletionRequest.class)
                    .map(Optional::of)
                    .defaultIfEmpty(Optional.empty())
                    .flatMap(body -> requests.admit(body.orElse(null), exchange)
                            .flatMap(admitted -> body.get().streaming()
                                    ? stream(admitted, lastEventId, exchange)
                                    : answer(admitted)));
        });
    }

    private Mono<ServerResponse> answer(CompletionRequests.Admitted admitted) {
        ChatRequests.Validated validated = admitted.validated();
        // JSON whatever Accept prefers: negotiation would pick the SSE writer for text/event-stream.
        return answers.answer(validated.model(), validated.request(), admitted.caller().id())
                .flatMap(answer -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Completion.of(answer)));
    }

    /**
     * Written inside the handler's own result, which completes empty when the stream ends, as {@code /api/llm}'s
     * is: a failure before the first frame is still the handler's and reaches {@code ProblemHandler}.
     */
    private Mono<ServerResponse> stream(CompletionRequests.Admitted admitted, String lastEventId,
            ServerWebExchange exchange) {
        ChatRequests.Validated validated = admitted.validated();
        String model = validated.model().qualifiedName();
        long created = Instant.now().getEpochSecond();
        return streams.streamPrompt(validated.model(), validated.request(), lastEventId, admitted.caller().id())
                .flatMap(attachment -> EventStreamResponse.write(chunks(attachment, model, created),
                        exchange.getResponse()))
                .then(Mono.empty());
    }

    /**
     * The body must be JSON ({@code application/json} or a type it is compatible with), as the mapping's
     * {@code consumes} had it; anything else, a missing or malformed {@code Content-Type} too, is Spring's 415,
     * which {@code ProblemHandler} answers as the 400 every door gives a body that is not JSON.
     */
    private static void requireJson(ServerRequest request) {
        MediaType type;
        try {
            type = request.headers().contentType().orElse(null);
        } catch (InvalidMediaTypeException malformed) {
            throw new UnsupportedMediaTypeStatusException(malformed.getMessage());
        }
        if (type == null || !MediaType.APPLICATION_JSON.isCompatibleWith(type)) {
            throw new UnsupportedMediaTypeStatusException(type, List.of(MediaType.APPLICATION_JSON),
                    HttpMethod.POST);
        }
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
