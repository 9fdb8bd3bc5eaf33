package dev.llmsse.provider.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A real HTTP server on loopback that plays a provider: it records every request, answers with scripted
 * chunks (each flushed on its own, optionally paced), can hold a response open or cut it, and notices when
 * a client closes the connection.
 */
public final class FakeUpstream implements AutoCloseable {

    /**
     * A scripted answer.
     *
     * @param status   HTTP status
     * @param headers  response headers
     * @param chunks   body chunks, each written and flushed on its own
     * @param pacing   pause before each chunk
     * @param holdOpen keep the response open after the chunks (a provider that goes silent)
     * @param cut      close the connection after the chunks without ending the response properly
     * @param pause    where the answer waits for the test, or null
     */
    public record Reply(int status, Map<String, String> headers, List<byte[]> chunks, Duration pacing,
            boolean holdOpen, boolean cut, Pause pause) {

        public Reply(int status, Map<String, String> headers, List<byte[]> chunks, Duration pacing, boolean holdOpen,
                boolean cut) {
            this(status, headers, chunks, pacing, holdOpen, cut, null);
        }

        public static Reply stream(String contentType, List<byte[]> chunks) {
            return new Reply(200, Map.of("Content-Type", contentType), chunks, Duration.ZERO, false, false);
        }

        public static Reply sse(String body) {
            return stream("text/event-stream", List.of(body.getBytes(StandardCharsets.UTF_8)));
        }

        public static Reply status(int status, String body, Map<String, String> headers) {
            return new Reply(status, headers, List.of(body.getBytes(StandardCharsets.UTF_8)), Duration.ZERO, false,
                    false);
        }

        public Reply paced(Duration pause) {
            return new Reply(status, headers, chunks, pause, holdOpen, cut);
        }

        public Reply heldOpen() {
            return new Reply(status, headers, chunks, pacing, true, cut);
        }

        /** The first {@code chunks} chunks at once, the rest once {@code until} completes: a provider mid-answer. */
        public Reply pausedAfter(int chunks, Mono<Void> until) {
            return new Reply(status, headers, this.chunks, pacing, holdOpen, cut, new Pause(chunks, until));
        }
    }

    /** The answer stops after {@code afterChunks} chunks until {@code until} completes. */
    public record Pause(int afterChunks, Mono<Void> until) {
    }

    /**
     * One request as the server saw it.
     *
     * @param closed completes when the request's connection is closed
     */
    public record Recorded(String method, String uri, Map<String, String> headers, String body,
            CompletableFuture<Void> closed) {
    }

    private final DisposableServer server;
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Function<Recorded, Reply> handler = request -> Reply.status(500, "no handler", Map.of());

    private FakeUpstream() {
        server = HttpServer.create().host("127.0.0.1").port(0)
                .doOnConnection(connection -> connections.incrementAndGet())
                .handle(this::handle)
                .bindNow();
    }

    public static FakeUpstream start() {
        return new FakeUpstream();
    }

    public int port() {
        return server.port();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** Sets how the next requests are answered, and forgets the requests seen so far. */
    public FakeUpstream answer(Function<Recorded, Reply> next) {
        requests.clear();
        handler = next;
        return this;
    }

    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    /** TCP connections accepted since the server started. */
    public int connectionsAccepted() {
        return connections.get();
    }

    private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        request.withConnection(connection -> connection.channel().closeFuture()
                .addListener(done -> closed.complete(null)));
        return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("").flatMap(body -> {
            Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            request.requestHeaders().forEach(header -> headers.put(header.getKey(), header.getValue()));
            Recorded recorded = new Recorded(request.method().name(), request.uri(), headers, body, closed);
            requests.add(recorded);
            return reply(handler.apply(recorded), response);
        });
    }

    private static Mono<Void> reply(Reply reply, HttpServerResponse response) {
        response.status(reply.status());
        reply.headers().forEach(response::header);
        Flux<ByteBuf> chunks = Flux.fromIterable(reply.chunks()).index()
                .concatMap(indexed -> {
                    Mono<byte[]> chunk = Mono.just(indexed.getT2());
                    if (reply.pause() != null && indexed.getT1() == reply.pause().afterChunks()) {
                        chunk = reply.pause().until().then(chunk);
                    }
                    return reply.pacing().isZero() ? chunk : Mono.delay(reply.pacing()).then(chunk);
                })
                .map(Unpooled::wrappedBuffer);
        if (reply.holdOpen()) {
            chunks = chunks.concatWith(Flux.never());
        }
        Mono<Void> sent = response.send(chunks, buffer -> true).then();
        if (reply.cut()) {
            return sent.then(Mono.fromRunnable(() -> response.withConnection(c -> c.channel().close())));
        }
        return sent;
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
