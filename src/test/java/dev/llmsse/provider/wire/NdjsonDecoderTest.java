package dev.llmsse.provider.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import dev.llmsse.chat.ProviderException;
import dev.llmsse.provider.testing.Chunkings;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

class NdjsonDecoderTest {

    private static final String BODY = "{\"a\":\"\u00e9\u4e2d\ud83d\ude00\"}\n\n  \r\n{\"b\":2}\r\n{\"c\":3}\n{\"partial\":";

    @Test
    void linesSurviveEverySplitAndBlankLinesAndTheUnterminatedTailAreDropped() {
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        List<String> expected = List.of("{\"a\":\"\u00e9\u4e2d\ud83d\ude00\"}", "{\"b\":2}", "{\"c\":3}");
        for (int offset = 0; offset <= body.length; offset++) {
            assertThat(decode(Chunkings.splitAt(body, offset))).as("split at %d", offset).isEqualTo(expected);
        }
        Random random = new Random(42);
        for (int run = 0; run < 50; run++) {
            assertThat(decode(Chunkings.random(body, random, 1 + run % 7))).isEqualTo(expected);
        }
        assertThat(decode(Chunkings.bytewise(body))).isEqualTo(expected);
    }

    @Test
    void anOverlongLineFails() {
        Flux<DataBuffer> body = Flux.range(0, 50)
                .map(i -> DefaultDataBufferFactory.sharedInstance.wrap(new byte[] {'x', 'x', 'x', 'x'}));
        StepVerifier.create(NdjsonDecoder.decode(body, new DecodeLimits(100, 100)))
                .expectErrorSatisfies(error -> assertThat(((ProviderException) error).code())
                        .isEqualTo("upstream_protocol"))
                .verify();
    }

    private static List<String> decode(List<byte[]> chunks) {
        Flux<DataBuffer> body = Flux.fromIterable(chunks).map(DefaultDataBufferFactory.sharedInstance::wrap);
        return NdjsonDecoder.decode(body, DecodeLimits.DEFAULT)
                .map(line -> new String(line, StandardCharsets.UTF_8)).collectList().block();
    }
}
