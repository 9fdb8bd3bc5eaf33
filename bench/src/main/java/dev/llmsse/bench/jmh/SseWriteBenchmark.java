package dev.llmsse.bench.jmh;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.netty.buffer.PooledByteBufAllocator;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.reactivestreams.Publisher;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.codec.ServerSentEventHttpMessageWriter;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Spring's {@link ServerSentEventHttpMessageWriter} writing the gateway's token frames ({@code ServerSentEvent<String>}
 * with an id) into Netty pooled buffers, as WebFlux does on Reactor Netty. The output message is a minimal sink that
 * counts and releases each buffer, standing in for the channel write.
 *
 * <p>{@link #writeStreamOf100Frames} writes one long-lived stream of frames, as a subscriber of the gateway does,
 * so its time per operation is the per-frame cost; {@link #writeOneFrame} adds a subscription per frame.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SseWriteBenchmark {

    private static final ResolvableType ELEMENT = ResolvableType.forClassWithGenerics(ServerSentEvent.class,
            String.class);
    private static final MediaType EVENT_STREAM = MediaType.parseMediaType("text/event-stream;charset=utf-8");
    private static final String GENERATION_ID = "pb4VJ3mE0n9Ew2mxqz3Yfg";

    private final ServerSentEventHttpMessageWriter writer = new ServerSentEventHttpMessageWriter();
    private final CountingMessage message = new CountingMessage();
    private final Flux<ServerSentEvent<String>> hundred = Flux.range(1, 100).map(SseWriteBenchmark::frame);
    private long seq;

    private static ServerSentEvent<String> frame(long seq) {
        return ServerSentEvent.builder("{\"token\":\" quick\"}").id(GENERATION_ID + "." + seq).build();
    }

    @Benchmark
    public long writeOneFrame() {
        writer.write(Mono.just(frame(++seq)), ELEMENT, EVENT_STREAM, message, Map.of()).block();
        return message.bytes;
    }

    @Benchmark
    @OperationsPerInvocation(100)
    public long writeStreamOf100Frames() {
        writer.write(hundred, ELEMENT, EVENT_STREAM, message, Map.of()).block();
        return message.bytes;
    }

    /** Counts the bytes of every buffer written and releases it, as the channel would once written. */
    static final class CountingMessage implements ReactiveHttpOutputMessage {

        private final DataBufferFactory factory = new NettyDataBufferFactory(PooledByteBufAllocator.DEFAULT);
        private final HttpHeaders headers = new HttpHeaders();
        long bytes;

        @Override
        public DataBufferFactory bufferFactory() {
            return factory;
        }

        @Override
        public void beforeCommit(Supplier<? extends Mono<Void>> action) {
        }

        @Override
        public boolean isCommitted() {
            return false;
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            return Flux.from(body).doOnNext(this::consume).then();
        }

        @Override
        public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
            return Flux.from(body).concatMap(Flux::from).doOnNext(this::consume).then();
        }

        @Override
        public Mono<Void> setComplete() {
            return Mono.empty();
        }

        @Override
        public HttpHeaders getHeaders() {
            return headers;
        }

        private void consume(DataBuffer buffer) {
            bytes += buffer.readableByteCount();
            DataBufferUtils.release(buffer);
        }
    }
}
