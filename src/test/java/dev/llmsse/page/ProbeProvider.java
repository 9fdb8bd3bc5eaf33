package dev.llmsse.page;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.ProviderException;
import dev.llmsse.chat.StreamEvent;
import dev.llmsse.provider.ChatProvider;

import reactor.core.publisher.Flux;

/**
 * A test provider, {@code probe/slow}: answers like the echo provider, after one tool call, and records
 * what it was asked and whether it was cancelled, so a test can see what the page made the gateway do.
 */
final class ProbeProvider implements ChatProvider {

    static final String MODEL = "probe/slow";
    static final String TOOL = "lookup_weather";

    private static final Pattern TOKEN = Pattern.compile("\\S+|\\s+");
    private static final Duration TOKEN_DELAY = Duration.ofMillis(120);

    /** A prompt containing this fails after a few tokens the first time it is asked, like a cut upstream. */
    static final String FAIL_ONCE = "fail once";

    /** A prompt containing this gets a block of reasoning, paced like tokens, before the tool call. */
    static final String THINK_FIRST = "think first";
    static final String REASONING = "Weighing what was asked before answering.";

    final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    private final Set<String> failedAlready = ConcurrentHashMap.newKeySet();
    final AtomicInteger cancellations = new AtomicInteger();

    @Override
    public String id() {
        return "probe";
    }

    @Override
    public List<String> models() {
        return List.of("slow");
    }

    @Override
    public Flux<StreamEvent> stream(ChatRequest request) {
        requests.add(request);
        List<String> tokens = tokens("You said: " + request.lastUserText());
        Flux<StreamEvent> tool = Flux.just(new StreamEvent.ToolCallStart(0, "call_1", TOOL),
                new StreamEvent.ToolCallDelta(0, "{\"city\":"), new StreamEvent.ToolCallDelta(0, "\"Lyon\"}"),
                new StreamEvent.ToolCallEnd(0));
        Flux<StreamEvent> text = Flux.interval(TOKEN_DELAY).take(tokens.size())
                .map(i -> new StreamEvent.Token(tokens.get(i.intValue())));
        StreamEvent done = new StreamEvent.Done("stop", new StreamEvent.Usage(7L, (long) tokens.size(), null));
        String prompt = request.lastUserText();
        if (prompt.contains(THINK_FIRST)) {
            List<String> thoughts = tokens(REASONING);
            tool = Flux.concat(Flux.just(new StreamEvent.ReasoningStart()), Flux.interval(TOKEN_DELAY)
                    .take(thoughts.size()).map(i -> new StreamEvent.ReasoningDelta(thoughts.get(i.intValue()))),
                    Flux.just(new StreamEvent.ReasoningEnd()), tool);
        }
        if (prompt.contains(FAIL_ONCE) && failedAlready.add(prompt)) {
            return Flux.concat(tool, text.take(3), Flux.error(
                    new ProviderException("upstream_reset", "The provider closed the stream.", true)));
        }
        return Flux.concat(tool, text, Flux.just(done)).doOnCancel(cancellations::incrementAndGet);
    }

    static List<String> tokens(String text) {
        Matcher matcher = TOKEN.matcher(text);
        List<String> tokens = new ArrayList<>();
        while (matcher.find()) {
            tokens.add(matcher.group());
        }
        return tokens;
    }
}
