package dev.llmsse.web;

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
import org.springframework.http.server.RequestPath;

import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every error answered on a dialect's routes in that dialect's shape instead of our problem document, whoever
 * writes it: a controller's exception handler, Spring's own errors (404, 405), the security filters (401, 403),
 * the rate limiter (429), the firewall (400). It wraps the response below all of them, as an
 * {@link HttpHandlerDecoratorFactory}, because web filters and exception handlers each write the response they
 * were handed: a web filter's wrapper would miss the handlers that run outside the filter chain. Only error
 * statuses are touched, so a stream passes through untouched. A dialect says which paths are its own and how a
 * {@link Problem} reads in its shape.
 *
 * <p>Requests the application never read (a request line over 4 KB, a malformed request) are answered below
 * this, by the Netty pipeline, and keep the problem shape: their path was not read either.
 */
public abstract class DialectErrorShape implements HttpHandlerDecoratorFactory {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    // An error body larger than this is none of ours: it is answered with the status's reason alone.
    private static final int MAX_ERROR_BYTES = 64 * 1024;

    /**
     * What the dialect's error document is made from: the problem's fields, or the status's where a body had none.
     *
     * @param status  the HTTP status
     * @param code    our stable code ({@code bad_request}, {@code unknown_model}, …)
     * @param message the problem's {@code detail}, or the status's reason phrase
     * @param param   the request parameter at fault, or null
     */
    public record Problem(int status, String code, String message, String param) {
    }

    /** Whether {@code path} (decoded, as routing matches it) is one of the dialect's routes. */
    protected abstract boolean owns(RequestPath path);

    /** The dialect's error document for this problem. */
    protected abstract Object document(Problem problem);

    /** Whether a body is already in the dialect's shape (a controller wrote one itself) and passes unchanged. */
    protected abstract boolean isOwnShape(JsonNode body);

    @Override
    public HttpHandler apply(HttpHandler handler) {
        return (request, response) -> owns(request.getPath())
                ? handler.handle(request, new Reshaping(response))
                : handler.handle(request, response);
    }

    /** The dialect's error document for a problem document (or any other error body) with this status. */
    public byte[] reshape(HttpStatusCode status, byte[] original) {
        JsonNode problem = parse(original);
        if (isOwnShape(problem)) {
            return original;
        }
        HttpStatus known = HttpStatus.resolve(status.value());
        String reason = known == null ? "HTTP " + status.value() : known.getReasonPhrase();
        String code = problem.path("code").asString(known == null ? "http_" + status.value()
                : known.name().toLowerCase(Locale.ROOT));
        return JSON.writeValueAsBytes(document(new Problem(status.value(), code,
                problem.path("detail").asString(reason), problem.path("param").asString(null))));
    }

    private static JsonNode parse(byte[] body) {
        try {
            return body.length == 0 ? JSON.missingNode() : JSON.readTree(new String(body, StandardCharsets.UTF_8));
        } catch (JacksonException notJson) {
            return JSON.missingNode();
        }
    }

    /** Rewrites an error's body on its way out; anything else passes unchanged. */
    private final class Reshaping extends ServerHttpResponseDecorator {

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
}
