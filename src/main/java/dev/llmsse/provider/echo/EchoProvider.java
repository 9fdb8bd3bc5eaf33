package dev.llmsse.provider.echo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.StreamEvent;
import dev.llmsse.config.GatewayProperties;
import dev.llmsse.config.ProviderSettings;
import dev.llmsse.provider.ChatProvider;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * A deterministic provider that answers "You said: " followed by the last user message, one word or
 * whitespace run per token, optionally after a block of reasoning ("Thinking about" and the prompt's words,
 * cycled to the configured count). Its pacing is configurable so that tests and benchmarks can shape a stream
 * without any key or network. The stream is driven by a timer, so cancelling it really stops production.
 */
@Component
class EchoProvider implements ChatProvider {

    private static final Pattern TOKEN = Pattern.compile("\\S+|\\s+");
    private static final String PREFIX = "You said: ";
    private static final String REASONING_PREFIX = "Thinking about ";

    private final ProviderSettings.Echo settings;
    private final Scheduler timer;

    @Autowired
    EchoProvider(GatewayProperties properties) {
        this(properties.providers().echo(), Schedulers.parallel());
    }

    EchoProvider(ProviderSettings.Echo settings, Scheduler timer) {
        this.settings = settings;
        this.timer = timer;
    }

    @Override
    public String id() {
        return "echo";
    }

    @Override
    public List<String> models() {
        return settings.models() == null ? List.of() : settings.models();
    }

    @Override
    public Flux<StreamEvent> stream(ChatRequest request) {
        List<String> tokens = tokensFor(request.lastUserText());
        List<String> reasoning = reasoningFor(request.lastUserText());
        int thinking = reasoning.size();
        int count = tokens.size();
        StreamEvent.Done done = new StreamEvent.Done("stop", new StreamEvent.Usage(inputTokens(request),
                (long) count + thinking, thinking == 0 ? null : (long) thinking));
        return paced(thinking + count).concatMapIterable(i -> i < thinking ? reasoningEvents(reasoning, i)
                : List.of(new StreamEvent.Token(tokens.get(i - thinking)))).concatWith(Flux.just(done));
    }

    /** The reasoning delta at {@code i}, with the block's start before the first and its end after the last. */
    private static List<StreamEvent> reasoningEvents(List<String> reasoning, int i) {
        List<StreamEvent> events = new ArrayList<>(3);
        if (i == 0) {
            events.add(new StreamEvent.ReasoningStart());
        }
        events.add(new StreamEvent.ReasoningDelta(reasoning.get(i)));
        if (i == reasoning.size() - 1) {
            events.add(new StreamEvent.ReasoningEnd());
        }
        return events;
    }

    /** The configured number of reasoning deltas, cycling "Thinking about" and the prompt's words. */
    List<String> reasoningFor(String prompt) {
        List<String> cycle = splitIntoTokens(REASONING_PREFIX + prompt + " ");
        List<String> reasoning = new ArrayList<>(settings.reasoningTokens());
        for (int i = 0; i < settings.reasoningTokens(); i++) {
            reasoning.add(cycle.get(i % cycle.size()));
        }
        return reasoning;
    }

    /** The answer's tokens: the prefix and the prompt, or exactly {@code tokens} of them when configured. */
    List<String> tokensFor(String prompt) {
        List<String> answer = splitIntoTokens(PREFIX + prompt);
        Integer fixed = settings.tokens();
        if (fixed == null) {
            return answer;
        }
        List<String> cycle = prompt.isBlank() ? answer : splitIntoTokens(prompt);
        List<String> tokens = new ArrayList<>(fixed);
        for (int i = 0; i < fixed; i++) {
            tokens.add(cycle.get(i % cycle.size()));
        }
        return tokens;
    }

    /** Emits the indexes 0..count-1: the first after the first-token delay, the rest a token delay apart. */
    private Flux<Integer> paced(int count) {
        Duration first = settings.firstTokenDelay();
        Duration gap = settings.tokenDelay();
        if (count == 0) {
            return Flux.empty();
        }
        Flux<Integer> rest = gap.isZero()
                ? Flux.range(1, count - 1)
                : Flux.interval(gap, gap, timer).take(count - 1L).map(i -> i.intValue() + 1);
        Flux<Integer> firstToken = first.isZero() ? Flux.just(0) : Mono.delay(first, timer).map(tick -> 0).flux();
        return firstToken.concatWith(rest);
    }

    /** The tokens of the system prompt and of each message, counted apart: no separator counts as a token. */
    static long inputTokens(ChatRequest request) {
        long tokens = request.system() == null ? 0 : splitIntoTokens(request.system()).size();
        for (var message : request.messages()) {
            tokens += splitIntoTokens(message.content()).size();
        }
        return tokens;
    }

    static List<String> splitIntoTokens(String text) {
        List<String> tokens = new ArrayList<>();
        Matcher matcher = TOKEN.matcher(text);
        while (matcher.find()) {
            tokens.add(matcher.group());
        }
        return tokens;
    }
}
