package dev.llmsse.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.StreamEvent;
import dev.llmsse.config.GatewayProperties;
import dev.llmsse.provider.ChatProvider;
import dev.llmsse.provider.ResolvedModel;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * The liveness guard on virtual time: it ends a client that got nothing for two heartbeats (here: demand
 * withheld, which a socket that is not backlogged never does), and leaves alone a client whose provider went
 * quiet, since that client still gets its pings.
 */
@ExtendWith(OutputCaptureExtension.class)
class LivenessGuardTest {

    private static final ChatRequest REQUEST =
            new ChatRequest("m", List.of(new ChatMessage("user", "hi")), null, null, null);
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);

    private final VirtualTimeScheduler time = VirtualTimeScheduler.create();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @AfterEach
    void tearDown() {
        time.dispose();
    }

    @Test
    void aClientThatGetsNothingForTwoHeartbeatsIsCountedLoggedAndEndedWithARetryableError(CapturedOutput output) {
        StreamService service = service();
        Flux<SseFrame> frames = frames(service, Flux.<StreamEvent>just(new StreamEvent.Token("a"))
                .concatWith(Mono.never()));

        StepVerifier.withVirtualTime(() -> frames, () -> time, 2)
                .expectNextCount(2)
                // Demand withheld: not even a ping can leave, as if the connection had lost its demand.
                .thenAwait(HEARTBEAT.multipliedBy(2).plusSeconds(8))
                .then(() -> assertThat(stalled()).isEqualTo(1.0))
                .thenRequest(1)
                .assertNext(frame -> {
                    assertThat(frame.id()).as("no id: the client resumes after the last event it got").isNull();
                    assertThat(frame.data()).contains("\"code\":\"stalled\"", "\"retryable\":true");
                })
                .expectComplete()
                .verify(Duration.ofSeconds(10));
        assertThat(output).contains("stream stalled: no frame for", "client at 1 of 1");
    }

    @Test
    void aProviderThatStopsMidAnswerLeavesTheClientItsPingsAndTheGuardQuiet() {
        StreamService service = service();
        Flux<SseFrame> frames = frames(service, Flux.<StreamEvent>just(new StreamEvent.Token("a"))
                .concatWith(Mono.never()));

        StepVerifier.withVirtualTime(() -> frames, () -> time, Long.MAX_VALUE)
                .expectNextCount(2)
                .thenAwait(Duration.ofSeconds(59))
                .expectNextCount(3)
                .then(() -> assertThat(stalled()).isZero())
                .thenAwait(Duration.ofSeconds(1))
                .assertNext(frame -> assertThat(frame.data()).contains("\"code\":\"idle_timeout\""))
                .expectComplete()
                .verify(Duration.ofSeconds(10));
        assertThat(stalled()).isZero();
    }

    private double stalled() {
        return meters.counter("llmsse.stream.stalled").count();
    }

    private StreamService service() {
        return StreamServiceBuilder.on(time).settings(new GatewayProperties.Stream(HEARTBEAT, Duration.ofSeconds(5),
                Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofSeconds(3), Duration.ofMinutes(5),
                Duration.ofMinutes(5), 10, 1000, 1000))
                .meters(meters).build();
    }

    private static Flux<SseFrame> frames(StreamService service, Flux<StreamEvent> upstream) {
        ResolvedModel model = new ResolvedModel(new ChatProvider() {
            @Override
            public String id() {
                return "fake";
            }

            @Override
            public Flux<StreamEvent> stream(ChatRequest request) {
                return upstream;
            }
        }, "m");
        return ((Attachment.Frames) service.streamPrompt(model, REQUEST, null, null).block()).frames();
    }
}
