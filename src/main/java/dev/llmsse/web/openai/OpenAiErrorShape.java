package dev.llmsse.web.openai;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

import org.reactivestreams.Publisher;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.HttpHandler;
import org.springframework.http.server.reactive.HttpHandlerDecoratorFactory;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every error answered on {@code /v1/**} in OpenAI's shape ({@link OpenAiError}) instead of our problem document,
 * whoever writes it: a controller's exception handler, Spring's own errors (404, 405), the security filters
 * (401, 403), the rate limiter (429), the firewall (400). It wraps the response below all of them, as an
 * {@link HttpHandlerDecoratorFactory}, because web filters and exception handlers each write the response they
 * were handed: a web filter's wrapper would miss the handlers that run outside the filter chain. Only error
 * statuses are touched, so a stream passes through untouched. Problem fields map one to one: {@code detail} to
 * {@code message}, {@code code} and {@code param} as they are, {@code type} from the status.
 *
 * <p>Requests the application never read (a request line over 4 KB, a malformed request) are answered below
 * this, by the Netty pipeline, and keep the problem shape: their path was not read either.
 */
@Component
class OpenAiErrorShape implements HttpHandlerDecoratorFactory {

    /** The door's routes, matched like routing matches them (decoded segments: {@code /%761/models} too). */
    static final PathPattern ROUTES = PathPatternParser.defaultInstance.parse("/v1/**");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    // An error body larger than this is none of ours: it is answered with the status's reason alone.
    private static final int MAX_ERROR_BYTES = 64 * 1024;

    @Override
    public HttpHandler apply(HttpHandler handler) {
        return (request, response) -> ROUTES.matches(request.getPath().pathWithinApplication())
                ? handler.handle(request, new Reshaping(response))
                : handler.handle(request, response);
    }

    /** Rewrites an error's body on its way out; anything else passes unchanged. */
    static final class Reshaping extends ServerHttpResponseDecorator {

        Reshaping(ServerHttpResponse delegate) {
            super(delegate);
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            if (!failed()) {
                return super.writeWith(body);
            }
            return DataBufferUtils.join(body, MAX_ERROR_BYTES)
                    .map(Reshaping::bytes)
                    .onErrorResume(tooLarge -> Mono.just(new byte[0]))
                    .defaultIfEmpty(new byte[0])
                    .flatMap(this::writeError);
        }

        /** An error answered without a body still gets one. */
        @Override
        public Mono<Void> setComplete() {
            return failed() && !isCommitted() ? writeError(new byte[0]) : super.setComplete();
        }

        private boolean failed() {
            HttpStatusCode status = getStatusCode();
            return status != null && status.isError();
        }

        private Mono<Void> writeError(byte[] original) {
            byte[] reshaped = reshape(getStatusCode(), original);
            getHeaders().setContentType(MediaType.APPLICATION_JSON);
            getHeaders().setContentLength(reshaped.length);
            return super.writeWith(Mono.just(bufferFactory().wrap(reshaped)));
        }

        private static byte[] bytes(DataBuffer buffer) {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            DataBufferUtils.release(buffer);
            return bytes;
        }
    }

    /** OpenAI's error document for a problem document (or any other error body) with this status. */
    static byte[] reshape(HttpStatusCode status, byte[] original) {
        JsonNode problem = parse(original);
        if (problem.path("error").isObject()) {
            return original;
        }
        HttpStatus known = HttpStatus.resolve(status.value());
        String reason = known == null ? "HTTP " + status.value() : known.getReasonPhrase();
        String code = problem.path("code").asString(known == null ? "http_" + status.value()
                : known.name().toLowerCase(Locale.ROOT));
        String message = problem.path("detail").asString(reason);
        String param = problem.path("param").asString(null);
        return JSON.writeValueAsBytes(OpenAiError.of(status.value(), code, message, param));
    }

    private static JsonNode parse(byte[] body) {
        try {
            return body.length == 0 ? JSON.missingNode() : JSON.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (JacksonException notJson) {
            return JSON.missingNode();
        }
    }
}
