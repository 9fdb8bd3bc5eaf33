package dev.llmsse.web;

import java.util.Set;

import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.MethodNotAllowedException;

import reactor.core.publisher.Mono;

/** What the streaming routes written as functional endpoints share (see {@link OneStepRoute} for why they are). */
public final class StreamRoutes {

    private StreamRoutes() {
    }

    /**
     * {@code path} for {@code method} only, as an annotated mapping would have it: any other method is the
     * same 405 problem naming the allowed one.
     */
    public static RouterFunction<ServerResponse> only(HttpMethod method, String path,
            HandlerFunction<ServerResponse> handler) {
        return RouterFunctions.route()
                .route(RequestPredicates.method(method).and(RequestPredicates.path(path)), handler)
                .route(RequestPredicates.path(path), request -> Mono.error(
                        new MethodNotAllowedException(request.method(), Set.of(method))))
                .build();
    }
}
