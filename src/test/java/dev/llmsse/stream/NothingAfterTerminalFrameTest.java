package dev.llmsse.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.StreamEvent;
import dev.llmsse.config.GatewayProperties;
import dev.llmsse.provider.ChatProvider;
import dev.llmsse.provider.ResolvedModel;
import dev.llmsse.support.FakeClientConnection;

import org.junit.jupiter.api.Test;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;
import reactor.util.context.Context;

/**
 * Regression test for a ping sent after the terminal frame. Pings that pile up while a client reads nothing
 * sit in the merge's queue next to the log's frames; a merge drains its sources in turn, not in arrival order,
 * so without a stop at the terminal frame those pings went out after it. Found by the conformance test
 * (flaky there, since it needs a slow reader); here the slow reader is a subscriber that requests nothing.
 */
class NothingAfterTerminalFrameTest {

    private static final ClientConnection SLOW_READER = FakeClientConnection.behindBy(64 * 1024);

    private final VirtualTimeScheduler timer = VirtualTimeScheduler.create();
    private final Sinks.Many<StreamEvent> upstream = Sinks.many().unicast().onBackpressureBuffer();

    @Test
    void pingsQueuedWhileTheClientIsSlowNeverFollowTheTerminalFrame() {
        StreamService service = StreamServiceBuilder.on(timer).settings(settings()).models(name -> model())
                .build();
        Attachment attachment = service.streamPrompt(model(), request(), null, null).block();
        // A slow client has bytes waiting on its socket: the liveness guard must take it for a slow reader,
        // not a stall, or it ends the stream with its own frame before the answer's terminal one.
        Flux<SseFrame> frames = ((Attachment.Frames) attachment).frames()
                .contextWrite(Context.of(ClientConnection.class, SLOW_READER));

        StepVerifier.create(frames, 1)
                .expectNextMatches(frame -> frame.retry() != null)
                // The client reads nothing while three heartbeats fall due and the whole answer is logged.
                .then(() -> timer.advanceTimeBy(Duration.ofSeconds(3)))
                .then(() -> {
                    upstream.tryEmitNext(new StreamEvent.Token("hi"));
                    upstream.tryEmitNext(new StreamEvent.Done("stop", null));
                    upstream.tryEmitComplete();
                })
                .thenRequest(Long.MAX_VALUE)
                .recordWith(ArrayList::new)
                .thenConsumeWhile(frame -> true)
                .consumeRecordedWith(rest -> {
                    List<SseFrame> sent = new ArrayList<>(rest);
                    assertThat(sent).as("frames after retry").isNotEmpty();
                    SseFrame last = sent.get(sent.size() - 1);
                    assertThat(last.data()).as("last of %s", sent).startsWith("{\"done\":true");
                    assertThat(sent).filteredOn(frame -> frame.data().startsWith("{\"token\""))
                            .extracting(SseFrame::data).containsExactly("{\"token\":\"hi\"}");
                })
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    private static GatewayProperties.Stream settings() {
        return new GatewayProperties.Stream(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofMinutes(10), Duration.ofSeconds(3), Duration.ofMinutes(5), Duration.ofMinutes(5), 10, 1000, 1000);
    }

    private ResolvedModel model() {
        ChatProvider provider = new ChatProvider() {
            @Override
            public String id() {
                return "scripted";
            }

            @Override
            public Flux<StreamEvent> stream(ChatRequest request) {
                return upstream.asFlux();
            }
        };
        return new ResolvedModel(provider, "m");
    }

    private static ChatRequest request() {
        return new ChatRequest("m", List.of(new ChatMessage("user", "hi")), null, null, null);
    }
}
