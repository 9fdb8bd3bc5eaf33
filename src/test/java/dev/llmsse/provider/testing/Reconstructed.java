package dev.llmsse.provider.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Pattern;

import dev.llmsse.chat.ProviderException;
import dev.llmsse.chat.StreamEvent;

import reactor.core.publisher.Signal;

import tools.jackson.databind.JsonNode;

/**
 * What a client rebuilds from a provider stream: the text, the tool calls, how it ended, the usage and the
 * reasoning blocks. Building it also checks the stream's shape: nothing after the terminal event, tool deltas
 * and ends only for started calls, reasoning deltas only inside a started block, every block ended.
 *
 * @param text    all tokens joined
 * @param tools   tool calls by index
 * @param outcome {@code done:<finishReason>} or {@code error:<code>}
 * @param usage     the usage reported with {@code done}, or null
 * @param reasoning the text of each reasoning block, in order
 */
public record Reconstructed(String text, List<Tool> tools, String outcome, StreamEvent.Usage usage,
        List<String> reasoning) {

    /** A reconstruction without reasoning. */
    public Reconstructed(String text, List<Tool> tools, String outcome, StreamEvent.Usage usage) {
        this(text, tools, outcome, usage, List.of());
    }

    /** The same with these reasoning blocks. */
    public Reconstructed withReasoning(List<String> blocks) {
        return new Reconstructed(text, tools, outcome, usage, List.copyOf(blocks));
    }

    private static final Pattern GENERATED_ID = Pattern.compile("call_[0-9a-f]{32}");

    /**
     * @param id        the provider's call id, where it gives one
     * @param name      the function name
     * @param arguments the argument deltas joined
     * @param ended     whether a {@code ToolCallEnd} came that found the arguments complete
     */
    public record Tool(String id, String name, String arguments, boolean ended) {
    }

    /**
     * The form the project's own {@code X.expected.json} files use:
     * {@code {"text", "tools": [{"id","name","arguments","ended"}], "outcome",
     * "usage": {"input","output","reasoning","cacheRead","cacheWrite"},
     * "reasoning": ["block text", …]}} ({@code reasoning} optional).
     */
    public static Reconstructed fromJson(JsonNode json) {
        List<Tool> tools = new ArrayList<>();
        json.path("tools").forEach(tool -> tools.add(new Tool(tool.path("id").asString(null),
                tool.path("name").asString(), tool.path("arguments").asString(), tool.path("ended").asBoolean())));
        JsonNode usage = json.path("usage");
        return new Reconstructed(json.path("text").asString(""), tools, json.path("outcome").asString(),
                usage.isObject() ? new StreamEvent.Usage(number(usage, "input"), number(usage, "output"),
                        number(usage, "reasoning"), number(usage, "cacheRead"), number(usage, "cacheWrite")) : null).withReasoning(strings(json.path("reasoning")));
    }

    private static List<String> strings(JsonNode array) {
        List<String> strings = new ArrayList<>();
        array.forEach(item -> strings.add(item.asString()));
        return strings;
    }

    private static Long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asLong();
    }

    public static Reconstructed of(List<Signal<StreamEvent>> signals) {
        StringBuilder text = new StringBuilder();
        TreeMap<Integer, Tool> tools = new TreeMap<>();
        String outcome = null;
        StreamEvent.Usage usage = null;
        List<String> reasoning = new ArrayList<>();
        StringBuilder openReasoning = null;
        for (Signal<StreamEvent> signal : signals) {
            if (outcome != null && !signal.isOnComplete()) {
                throw new AssertionError("signal after the terminal event: " + signal);
            }
            if (signal.isOnError()) {
                Throwable error = signal.getThrowable();
                outcome = error instanceof ProviderException provider ? "error:" + provider.code()
                        : "unexpected:" + error;
            } else if (signal.isOnNext()) {
                StreamEvent event = signal.get();
                if (openReasoning != null && !(event instanceof StreamEvent.ReasoningDelta)
                        && !(event instanceof StreamEvent.ReasoningEnd)) {
                    throw new AssertionError(event + " inside an open reasoning block");
                }
                if (event instanceof StreamEvent.ReasoningStart) {
                    openReasoning = new StringBuilder();
                } else if (event instanceof StreamEvent.ReasoningDelta delta) {
                    if (openReasoning == null) {
                        throw new AssertionError("reasoning delta outside a block: " + delta);
                    }
                    openReasoning.append(delta.text());
                } else if (event instanceof StreamEvent.ReasoningEnd) {
                    if (openReasoning == null) {
                        throw new AssertionError("reasoning end without a start");
                    }
                    reasoning.add(openReasoning.toString());
                    openReasoning = null;
                } else if (event instanceof StreamEvent.Token token) {
                    text.append(token.text());
                } else if (event instanceof StreamEvent.ToolCallStart start) {
                    if (tools.put(start.index(), new Tool(providerId(start.id()), start.name(), "", false)) != null) {
                        throw new AssertionError("tool " + start.index() + " started twice");
                    }
                } else if (event instanceof StreamEvent.ToolCallDelta delta) {
                    Tool tool = started(tools, delta.index());
                    tools.put(delta.index(), new Tool(tool.id(), tool.name(), tool.arguments() + delta.arguments(),
                            false));
                } else if (event instanceof StreamEvent.ToolCallEnd end) {
                    Tool tool = started(tools, end.index());
                    tools.put(end.index(), new Tool(tool.id(), tool.name(), tool.arguments(), !end.incomplete()));
                } else if (event instanceof StreamEvent.UsageSoFar) {
                    // Counts told early for an answer cut short; a normal end reports them again in its usage.
                    continue;
                } else if (event instanceof StreamEvent.ProviderState state) {
                    // Kept server-side, never part of the answer: only checked to belong to a call made already.
                    if (!tools.containsKey(state.index())) {
                        throw new AssertionError("state of tool " + state.index() + " before its start");
                    }
                } else if (event instanceof StreamEvent.Done done) {
                    outcome = "done:" + done.finishReason();
                    usage = done.usage();
                } else {
                    throw new AssertionError("a provider emitted " + event);
                }
            } else if (outcome == null) {
                outcome = "completed-without-terminal";
            }
        }
        return new Reconstructed(text.toString(), new ArrayList<>(tools.values()), outcome, usage, reasoning);
    }

    /**
     * The id a provider gave, or null for one the gateway made up for a call without (random, so not part of
     * any expectation; that every call has one is tested end to end).
     */
    private static String providerId(String id) {
        return GENERATED_ID.matcher(id).matches() ? null : id;
    }

    private static Tool started(TreeMap<Integer, Tool> tools, int index) {
        Tool tool = tools.get(index);
        if (tool == null || tool.ended()) {
            throw new AssertionError("tool " + index + " not open");
        }
        return tool;
    }
}
