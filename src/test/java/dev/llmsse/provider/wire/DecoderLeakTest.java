package dev.llmsse.provider.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;

import dev.llmsse.chat.ProviderException;
import dev.llmsse.provider.testing.LeakCheckingBuffers;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.io.buffer.DataBuffer;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/**
 * Both decoders release every chunk they were handed, however the stream ends: completed, cancelled by the
 * subscriber (with chunks already prefetched and waiting: as many as {@link ChunkDecoding#PREFETCH}, one since
 * issue 14's memory work), or failed by the upstream or by decoding. In the
 * manner of Spring's {@code AbstractDecoderTests} with {@code AbstractLeakCheckingTests}: every chunk is a
 * reference-counted buffer, and after each test none may still hold a reference.
 */
class DecoderLeakTest {

    private static final DecodeLimits LIMITS = new DecodeLimits(64, 256);

    private final LeakCheckingBuffers buffers = new LeakCheckingBuffers();

    /** A decoder under test and how it frames one item whose text is {@code text}. */
    record Decoder(String name, BiFunction<Flux<DataBuffer>, DecodeLimits, Flux<String>> decode,
            Function<String, String> frame) {

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> decoders() {
        return Stream.of(
                Arguments.of(new Decoder("SseDecoder",
                        (body, limits) -> SseDecoder.decode(body, limits).map(SseEvent::text),
                        text -> "data: " + text + "\n\n")),
                Arguments.of(new Decoder("NdjsonDecoder",
                        (body, limits) -> NdjsonDecoder.decode(body, limits)
                                .map(line -> new String(line, StandardCharsets.UTF_8)),
                        text -> text + "\n")));
    }

    @AfterEach
    void everyBufferWasReleased() {
        buffers.assertAllReleased(Duration.ofSeconds(2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decoders")
    void completing(Decoder decoder) {
        StepVerifier.create(decoder.decode().apply(buffers.body(items(decoder, 100)), LIMITS))
                .expectNextCount(100)
                .verifyComplete();
        assertThat(buffers.allocated()).isEqualTo(100);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decoders")
    void cancellingWithChunksPrefetched(Decoder decoder) {
        // No demand at first: the decoder prefetches chunks all the same, so they wait in its queue.
        StepVerifier.create(decoder.decode().apply(buffers.body(items(decoder, 100)), LIMITS), 0)
                .expectSubscription()
                .then(() -> assertThat(buffers.allocated()).as("chunks prefetched")
                        .isEqualTo(Math.min(100, ChunkDecoding.PREFETCH)))
                .thenRequest(1)
                .expectNext("\"item-0\"")
                .thenCancel()
                .verify(Duration.ofSeconds(5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decoders")
    void cancellingInTheMiddleOfAnItemWhileTheUpstreamIsOpen(Decoder decoder) {
        Sinks.Many<DataBuffer> upstream = Sinks.many().unicast().onBackpressureBuffer();
        StepVerifier.create(decoder.decode().apply(upstream.asFlux(), LIMITS))
                .then(() -> {
                    String whole = decoder.frame().apply("\"a\"") + decoder.frame().apply("\"bcd\"");
                    upstream.tryEmitNext(buffers.buffer(whole.substring(0, whole.length() - 4)));
                })
                .expectNext("\"a\"")
                .then(() -> upstream.tryEmitNext(buffers.buffer("\"ef")))
                .thenCancel()
                .verify(Duration.ofSeconds(5));
        assertThat(buffers.allocated()).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decoders")
    void anUpstreamErrorAfterSomeChunks(Decoder decoder) {
        IOException cut = new IOException("connection reset");
        Flux<DataBuffer> body = Flux.concat(buffers.body(items(decoder, 20)), Flux.error(cut));
        StepVerifier.create(decoder.decode().apply(body, LIMITS))
                .expectNextCount(20)
                .expectErrorSatisfies(error -> assertThat(error).isSameAs(cut))
                .verify(Duration.ofSeconds(5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decoders")
    void anUpstreamErrorWhileChunksWaitUnread(Decoder decoder) {
        IOException cut = new IOException("connection reset");
        // As many chunks as the decoder prefetches (at most 20), so that the error arrives behind them all.
        int waiting = Math.min(20, ChunkDecoding.PREFETCH);
        Flux<DataBuffer> body = Flux.concat(buffers.body(items(decoder, waiting)), Flux.error(cut));
        // No demand: the chunks are prefetched, and the error arrives behind them.
        StepVerifier.create(decoder.decode().apply(body, LIMITS), 0)
                .expectSubscription()
                .then(() -> assertThat(buffers.allocated()).as("chunks prefetched").isEqualTo(waiting))
                .thenRequest(1)
                .thenConsumeWhile(item -> true)
                .expectErrorSatisfies(error -> assertThat(error).isSameAs(cut))
                .verify(Duration.ofSeconds(5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decoders")
    void aDecodingErrorWithMoreChunksPrefetchedBehindIt(Decoder decoder) {
        List<byte[]> chunks = new ArrayList<>(items(decoder, 3));
        chunks.add(utf8(decoder.frame().apply("\"" + "x".repeat(200) + "\"")));
        chunks.addAll(items(decoder, 50));
        StepVerifier.create(decoder.decode().apply(buffers.body(chunks), LIMITS), 0)
                .expectSubscription()
                .then(() -> assertThat(buffers.allocated()).as("chunks prefetched")
                        .isEqualTo(Math.min(chunks.size(), ChunkDecoding.PREFETCH)))
                .thenRequest(Long.MAX_VALUE)
                .expectNextCount(3)
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(ProviderException.class,
                        provider -> assertThat(provider.code()).isEqualTo("upstream_protocol")))
                .verify(Duration.ofSeconds(5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decoders")
    void aSubscriberThatFailsOnAnItem(Decoder decoder) {
        IllegalStateException boom = new IllegalStateException("the consumer failed");
        Flux<String> failing = decoder.decode().apply(buffers.body(items(decoder, 100)), LIMITS)
                .map(item -> {
                    if (item.equals("\"item-2\"")) {
                        throw boom;
                    }
                    return item;
                });
        StepVerifier.create(failing, 0)
                .expectSubscription()
                .then(() -> assertThat(buffers.allocated()).as("chunks prefetched")
                        .isEqualTo(Math.min(100, ChunkDecoding.PREFETCH)))
                .thenRequest(Long.MAX_VALUE)
                .expectNextCount(2)
                .expectErrorSatisfies(error -> assertThat(error).isSameAs(boom))
                .verify(Duration.ofSeconds(5));
    }

    /** {@code count} chunks, each one whole item {@code "item-<i>"}. */
    private static List<byte[]> items(Decoder decoder, int count) {
        List<byte[]> chunks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            chunks.add(utf8(decoder.frame().apply("\"item-" + i + "\"")));
        }
        return chunks;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
