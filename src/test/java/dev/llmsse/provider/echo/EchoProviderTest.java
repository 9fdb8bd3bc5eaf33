package dev.llmsse.provider.echo;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.StreamEvent;
import dev.llmsse.config.GatewayProperties;
import dev.llmsse.config.ProviderSettings;

import org.junit.jupiter.api.Test;

import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

class EchoProviderTest {

    private static ChatRequest ask(String prompt) {
        return new ChatRequest("echo", List.of(new ChatMessage("user", prompt)), null, null, null);
    }

    @Test
    void answersWithWordAndWhitespaceTokensPacedByTheConfiguredDelays() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        EchoProvider echo = new EchoProvider(
                new ProviderSettings.Echo(Duration.ofMillis(60), Duration.ofSeconds(1), null, null, 0), time);

        StepVerifier.withVirtualTime(() -> echo.stream(ask("Hello  world\n")), () -> time, Long.MAX_VALUE)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(999))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(new StreamEvent.Token("You"))
                .expectNoEvent(Duration.ofMillis(59))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(new StreamEvent.Token(" "))
                .thenAwait(Duration.ofSeconds(1))
                .expectNext(new StreamEvent.Token("said:"), new StreamEvent.Token(" "), new StreamEvent.Token("Hello"),
                        new StreamEvent.Token("  "), new StreamEvent.Token("world"), new StreamEvent.Token("\n"))
                .assertNext(done -> assertThat(done).isEqualTo(
                        new StreamEvent.Done("stop", new StreamEvent.Usage(4L, 8L, null))))
                .verifyComplete();
    }

    @Test
    void reasoningTokensComeAsOneBlockBeforeTheAnswerPacedLikeTokensAndCountedInTheUsage() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        EchoProvider echo = new EchoProvider(
                new ProviderSettings.Echo(Duration.ofMillis(60), Duration.ZERO, 2, null, 3), time);

        StepVerifier.withVirtualTime(() -> echo.stream(ask("hi")), () -> time, Long.MAX_VALUE)
                .expectSubscription()
                .expectNext(new StreamEvent.ReasoningStart(), new StreamEvent.ReasoningDelta("Thinking"))
                .expectNoEvent(Duration.ofMillis(59))
                .thenAwait(Duration.ofMillis(1))
                .expectNext(new StreamEvent.ReasoningDelta(" "))
                .thenAwait(Duration.ofMillis(60))
                .expectNext(new StreamEvent.ReasoningDelta("about"), new StreamEvent.ReasoningEnd())
                .thenAwait(Duration.ofMillis(120))
                .expectNext(new StreamEvent.Token("hi"), new StreamEvent.Token("hi"),
                        new StreamEvent.Done("stop", new StreamEvent.Usage(1L, 5L, 3L)))
                .verifyComplete();
    }

    @Test
    void inputTokensCountTheWordsAndSpacesOfEveryPartAndNothingElse() {
        // The README's example: "Hello world" is "Hello", " ", "world".
        assertThat(EchoProvider.inputTokens(ask("Hello world"))).isEqualTo(3);
        ChatRequest conversation = new ChatRequest("echo", List.of(new ChatMessage("user", "a b"),
                new ChatMessage("assistant", "c"), new ChatMessage("user", "d")), "be brief", null, null);
        assertThat(EchoProvider.inputTokens(conversation)).isEqualTo(3 + 1 + 1 + 3);
    }

    @Test
    void aFixedTokenCountCyclesThePromptsWords() {
        EchoProvider echo = new EchoProvider(
                new ProviderSettings.Echo(Duration.ZERO, Duration.ZERO, 5, null, 0), VirtualTimeScheduler.create());

        assertThat(echo.tokensFor("a b")).containsExactly("a", " ", "b", "a", " ");
    }

    @Test
    void cancellingStopsProduction() {
        VirtualTimeScheduler time = VirtualTimeScheduler.create();
        EchoProvider echo = new EchoProvider(
                new ProviderSettings.Echo(Duration.ofMillis(10), Duration.ZERO, 1000, null, 0), time);
        AtomicInteger produced = new AtomicInteger();

        var subscription = echo.stream(ask("x")).doOnNext(event -> produced.incrementAndGet()).subscribe();
        time.advanceTimeBy(Duration.ofMillis(95));
        subscription.dispose();
        int atCancel = produced.get();
        time.advanceTimeBy(Duration.ofSeconds(10));

        assertThat(atCancel).isEqualTo(10);
        assertThat(produced).hasValue(atCancel);
        time.dispose();
    }
}
