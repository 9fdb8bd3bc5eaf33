package dev.llmsse.provider.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.llmsse.chat.ProviderException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.codec.ServerSentEventHttpMessageReader;
import org.springframework.mock.http.client.reactive.MockClientHttpResponse;

import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class SseDecoderTest {

    private static final DefaultDataBufferFactory BUFFERS = DefaultDataBufferFactory.sharedInstance;

    @Test
    void decodesChunksIntoEvents() {
        Flux<DataBuffer> body = chunks("event: a\r", "\ndata: x", "y\r\n\r\n", "data: {\"k\":1}\n\n");
        StepVerifier.create(SseDecoder.decode(body, DecodeLimits.DEFAULT).map(e -> e.type() + "=" + e.text()))
                .expectNext("a=xy", "message={\"k\":1}")
                .verifyComplete();
    }

    @Test
    void anOverlongLineFailsWithAProtocolError() {
        Flux<DataBuffer> body = chunks("data: 0123456789", "0123456789", "0123456789\n\n");
        StepVerifier.create(SseDecoder.decode(body, new DecodeLimits(20, 100)))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(ProviderException.class,
                        provider -> {
                            assertThat(provider.code()).isEqualTo("upstream_protocol");
                            assertThat(provider.retryable()).isFalse();
                        }))
                .verify();
    }

    @Test
    void anEndlessLineWithoutAnyLineEndFailsToo() {
        Flux<DataBuffer> body = Flux.range(0, 1000).map(i -> BUFFERS.wrap(new byte[100]));
        StepVerifier.create(SseDecoder.decode(body, new DecodeLimits(10_000, 10_000)))
                .expectError(ProviderException.class)
                .verify();
    }

    @Test
    void anOversizedEventOfShortLinesFails() {
        Flux<DataBuffer> body = Flux.range(0, 100).map(i -> BUFFERS.wrap(utf8("data: 0123456789\n")));
        StepVerifier.create(SseDecoder.decode(body, new DecodeLimits(100, 500)))
                .expectErrorSatisfies(error -> assertThat(((ProviderException) error).code())
                        .isEqualTo("upstream_protocol"))
                .verify();
    }

    /** The limit counts WHATWG's data buffer: every data line with the LF after it. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
        one line, 9 bytes       | data: 12345678\\n\\n              | true
        one line, 10 bytes      | data: 123456789\\n\\n             | true
        one line, 11 bytes      | data: 1234567890\\n\\n            | false
        two lines, 10 bytes     | data: 1234\\ndata: 1234\\n\\n     | true
        two lines, 11 bytes     | data: 1234\\ndata: 12345\\n\\n    | false
        """)
    void anEventIsRefusedOnlyPastTheLimitOnTheByte(String what, String wire, boolean accepted) {
        Flux<DataBuffer> body = chunks(wire.replace("\\n", "\n"));
        var decoded = StepVerifier.create(SseDecoder.decode(body, new DecodeLimits(100, 10)).map(SseEvent::text));
        if (accepted) {
            decoded.expectNextCount(1).verifyComplete();
        } else {
            decoded.expectError(ProviderException.class).verify();
        }
    }

    /** One buffer per event, none kept between: the payload of each event is its own, whatever came after it. */
    @Test
    void eventsOfOneAndOfSeveralLinesAndEmptyDataKeepTheirOwnBytes() {
        Flux<DataBuffer> body = chunks("data: first\n\ndata: a\ndata:\ndata: b\n\ndata:\n\n: x\n\ndata: last", "\n\n");
        StepVerifier.create(SseDecoder.decode(body, DecodeLimits.DEFAULT).map(SseEvent::text))
                .expectNext("first", "a\n\nb", "", "last")
                .verifyComplete();
    }

    @Test
    void aForeignLineRaisesTheGivenErrorWhenAsked() {
        Flux<DataBuffer> body = chunks("data: 1\n\ndata: 2\n\n{\n  \"error\": {}\n}\n");
        StepVerifier.create(SseDecoder.decode(body, DecodeLimits.DEFAULT,
                () -> new ProviderException("upstream_error", "x", true)).map(SseEvent::text))
                .expectNext("1", "2")
                .expectErrorSatisfies(error -> assertThat(((ProviderException) error).code())
                        .isEqualTo("upstream_error"))
                .verify();
    }

    @Test
    void releasesEveryPooledChunk() {
        NettyDataBufferFactory pooled = new NettyDataBufferFactory(PooledByteBufAllocator.DEFAULT);
        List<ByteBuf> allocated = new ArrayList<>();
        Flux<DataBuffer> body = Flux.just("data: \u00e9", "te\n\n", "data: 2\n\n").map(text -> {
            DataBuffer buffer = pooled.allocateBuffer(64).write(utf8(text));
            allocated.add(NettyDataBufferFactory.toByteBuf(buffer));
            return buffer;
        });
        StepVerifier.create(SseDecoder.decode(body, DecodeLimits.DEFAULT).map(SseEvent::text))
                .expectNext("\u00e9te", "2")
                .verifyComplete();
        assertThat(allocated).allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
    }

    /**
     * Why this decoder exists: Spring's reader (7.0.8) cuts lines at LF only, fails the whole stream on a
     * bogus {@code retry}, and dispatches an unterminated last event; WHATWG says otherwise.
     */
    @Test
    void springsReaderDiffersFromWhatwg() {
        assertThat(ours("data: a\rdata: b\r\rdata: c\r\r")).containsExactly("a\nb", "c");
        assertThat(springs("data: a\rdata: b\r\rdata: c\r\r")).isNotEqualTo(List.of("a\nb", "c"));

        assertThat(ours("retry: 1000x\ndata: z\n\n")).containsExactly("z");
        assertThat(springs("retry: 1000x\ndata: z\n\n")).containsExactly("failed");

        assertThat(ours("data: 1\n\ndata: unterminated\n")).containsExactly("1");
        assertThat(springs("data: 1\n\ndata: unterminated\n")).containsExactly("1", "unterminated");
    }

    private static List<String> ours(String body) {
        return SseDecoder.decode(chunks(body), DecodeLimits.DEFAULT).map(SseEvent::text).collectList().block();
    }

    private static List<String> springs(String body) {
        MockClientHttpResponse response = new MockClientHttpResponse(HttpStatus.OK);
        response.getHeaders().setContentType(MediaType.TEXT_EVENT_STREAM);
        response.setBody(body);
        return new ServerSentEventHttpMessageReader()
                .read(ResolvableType.forClassWithGenerics(ServerSentEvent.class, String.class), response, Map.of())
                .map(event -> String.valueOf(((ServerSentEvent<?>) event).data()))
                .onErrorReturn("failed")
                .collectList().block();
    }

    private static Flux<DataBuffer> chunks(String... parts) {
        return Flux.fromIterable(Arrays.asList(parts)).map(part -> BUFFERS.wrap(utf8(part)));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
