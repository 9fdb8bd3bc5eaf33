package dev.llmsse.web;

import java.util.List;

import dev.llmsse.security.Callers;
import dev.llmsse.stream.AnswerService;
import dev.llmsse.stream.Attachment;
import dev.llmsse.stream.SseFrame;
import dev.llmsse.stream.StreamService;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.publisher.Mono;

/**
 * {@code GET /api/llm}, the one-step stream of the classic {@code EventSource} example; with
 * {@code Accept: application/json} (and no {@code text/event-stream}) the whole answer as one JSON document instead.
 *
 * <p>A functional endpoint, not a {@code @GetMapping}: WebFlux calls an annotated method through an
 * {@code InvocableHandlerMethod} made for each request, with an argument-resolver cache of its own (a
 * {@code ConcurrentHashMap} sized for 256 entries, whose first entry allocates a 2 KB table) and a binding
 * context, and a stream keeps all of it for its whole life, since the method's result completes only when the
 * stream does (issue 14: memory per stream, stream start). A handler function is called as it is. Its errors
 * take the controllers' path all the same: the dispatcher hands them to the annotated handler adapter's
 * exception handling, so {@code ProblemHandler} answers them.
 */
@Configuration(proxyBeanMethods = false)
class OneStepRoute {

    static final String PATH = "/api/llm";
    private static final String LAST_EVENT_ID = "Last-Event-ID";

    private final StreamService streams;
    private final AnswerService answers;
    private final ChatRequests requests;
    private final Callers callers;

    OneStepRoute(StreamService streams, AnswerService answers, ChatRequests requests, Callers callers) {
        this.streams = streams;
        this.answers = answers;
        this.requests = requests;
        this.callers = callers;
    }

    /** GET only, as the mapping was; any other method is a 405 naming GET. */
    @Bean
    RouterFunction<ServerResponse> oneStepStream() {
        return StreamRoutes.only(HttpMethod.GET, PATH, this::handle);
    }

    Mono<ServerResponse> handle(ServerRequest request) {
        ServerWebExchange exchange = request.exchange();
        // Everything read up front: a header the firewall refuses is a 400 before any check.
        String prompt = parameter(exchange, "prompt");
        String model = parameter(exchange, "model");
        String lastEventId = lastEventId(exchange);
        boolean json = wantsJson(exchange.getRequest().getHeaders().get(HttpHeaders.ACCEPT));
        return callers.of(exchange).flatMap(caller -> {
            ChatRequests.Validated validated = ChatRequests.allowedFor(caller, requests.fromPrompt(prompt, model));
            if (json) {
                return answers.answer(validated.model(), validated.request(), caller.id())
                        .flatMap(answer -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                                .bodyValue(answer));
            }
            return streams.streamPrompt(validated.model(), validated.request(), lastEventId, caller.id())
                    .flatMap(attachment -> respond(attachment, exchange));
        });
    }

    /** A repeated parameter counts with its first value. */
    static String parameter(ServerWebExchange exchange, String name) {
        return exchange.getRequest().getQueryParams().getFirst(name);
    }

    /** The {@code Last-Event-ID} header, or else the {@code lastEventId} parameter (for a reconnect by URL). */
    static String lastEventId(ServerWebExchange exchange) {
        String header = exchange.getRequest().getHeaders().getFirst(LAST_EVENT_ID);
        return header != null ? header : parameter(exchange, "lastEventId");
    }

    /**
     * The stream is written here, inside the handler's own result, which completes empty when the stream ends:
     * a failure before the first frame (a store that cannot be reached, say) is then still the handler's, and
     * reaches {@code ProblemHandler}. Written by a {@code ServerResponse} instead, it would fail in the result
     * handler, past that exception handling, and be a 500 from Boot's error handler.
     */
    private static Mono<ServerResponse> respond(Attachment attachment, ServerWebExchange exchange) {
        if (attachment instanceof Attachment.Frames frames) {
            return EventStreamResponse.write(frames.frames().map(SseFrame::bytes), exchange.getResponse())
                    .then(Mono.empty());
        }
        return ServerResponse.noContent().build();
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
