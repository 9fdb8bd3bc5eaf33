package dev.llmsse.web;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.Tool;
import dev.llmsse.chat.ToolChoice;

import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and checks the tool side of a request: the tools offered, the tool choice, and the tool calls and
 * results in the history. Everything is refused with a 400 before anything goes upstream: a provider would
 * refuse most of it too, but later, after a slot and a connection were spent, and with its own wording.
 */
public final class ToolRequests {

    /** OpenAI's rule for function names, the strictest of the providers'. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() { };

    private ToolRequests() {
    }

    /** Our protocol's {@code tools}: a list of {@code {name, description, parameters}}; null for none. */
    public static List<Tool> tools(JsonNode tools) {
        if (tools == null || tools.isNull()) {
            return List.of();
        }
        if (!tools.isArray()) {
            throw new BadRequestException("tools must be a list of {name, description, parameters}");
        }
        List<Tool> offered = new ArrayList<>(tools.size());
        for (JsonNode tool : tools) {
            if (!tool.isObject()) {
                throw new BadRequestException("every tool must be an object {name, description, parameters}");
            }
            offered.add(tool(tool.get("name"), tool.get("description"), tool.get("parameters")));
        }
        return offered;
    }

    /**
     * One tool from its JSON fields: a name, an optional description and a JSON Schema object (an empty object
     * schema when absent). Public for the doors, whose tool shapes wrap the same three fields.
     */
    public static Tool tool(JsonNode name, JsonNode description, JsonNode parameters) {
        if (name == null || !name.isString()) {
            throw new BadRequestException("every tool needs a name");
        }
        if (description != null && !description.isNull() && !description.isString()) {
            throw new BadRequestException("a tool's description must be a string");
        }
        if (parameters != null && !parameters.isNull() && !parameters.isObject()) {
            throw new BadRequestException("the parameters of tool " + name.asString()
                    + " must be a JSON Schema object");
        }
        Map<String, Object> schema = parameters == null || parameters.isNull()
                ? Map.of("type", "object", "properties", Map.of())
                : JSON.convertValue(parameters, OBJECT);
        return new Tool(name.asString(), description == null || description.isNull() ? null : description.asString(),
                schema);
    }

    /** Our protocol's {@code toolChoice}: {@code "auto"}, {@code "none"}, {@code "required"} or {@code {name}}. */
    public static ToolChoice choice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        ToolChoice word = choice.isString() ? word(choice.asString()) : null;
        if (word != null) {
            return word;
        }
        if (choice.isObject() && choice.path("name").isString()) {
            return ToolChoice.named(choice.path("name").asString());
        }
        throw new BadRequestException("toolChoice must be \"auto\", \"none\", \"required\" or {\"name\": …}");
    }

    /** {@code auto}, {@code none} or {@code required}, the words every door spells alike; null for another. */
    public static ToolChoice word(String word) {
        return switch (word) {
            case "auto" -> ToolChoice.AUTO;
            case "none" -> new ToolChoice(ToolChoice.Mode.NONE, null);
            case "required" -> new ToolChoice(ToolChoice.Mode.REQUIRED, null);
            default -> null;
        };
    }

    /** The rules for offered tools every door shares; throws 400s. */
    static void check(List<Tool> tools, ToolChoice choice, int maxTools) {
        if (tools.size() > maxTools) {
            throw new BadRequestException("at most " + maxTools + " tools are accepted");
        }
        Set<String> names = new HashSet<>();
        for (Tool tool : tools) {
            if (tool == null || tool.name() == null || !NAME.matcher(tool.name()).matches()) {
                throw new BadRequestException("a tool name must be 1 to 64 letters, digits, _ or -");
            }
            if (!names.add(tool.name())) {
                throw new BadRequestException("tool " + tool.name() + " is offered twice");
            }
            if (tool.parameters() == null) {
                throw new BadRequestException("the parameters of tool " + tool.name() + " must be a JSON Schema object");
            }
        }
        checkChoice(choice, names);
    }

    private static void checkChoice(ToolChoice choice, Set<String> names) {
        if (choice == null || choice.mode() == ToolChoice.Mode.AUTO || choice.mode() == ToolChoice.Mode.NONE) {
            return;
        }
        if (names.isEmpty()) {
            throw new BadRequestException("toolChoice requires a tool, but no tools are offered");
        }
        if (choice.mode() == ToolChoice.Mode.NAMED && !names.contains(choice.name())) {
            throw new BadRequestException("toolChoice names a tool that is not offered");
        }
    }

    /** Calls only on assistant turns, with an id, a name and JSON object arguments; results answer a call. */
    static void checkHistory(List<ChatMessage> messages) {
        Set<String> calls = new HashSet<>();
        for (ChatMessage message : messages) {
            if (!message.toolCalls().isEmpty() && !"assistant".equals(message.role())) {
                throw new BadRequestException("only assistant messages may carry toolCalls");
            }
            for (ChatMessage.ToolCall call : message.toolCalls()) {
                checkCall(call);
                calls.add(call.id());
            }
            if ("tool".equals(message.role()) && (message.toolCallId() == null || message.toolCallId().isBlank())) {
                throw new BadRequestException("a tool message needs the toolCallId of the call it answers");
            }
            if ("tool".equals(message.role()) && !calls.contains(message.toolCallId())) {
                throw new BadRequestException("a tool message answers a toolCallId that no earlier assistant "
                        + "message called");
            }
        }
    }

    private static void checkCall(ChatMessage.ToolCall call) {
        if (call == null || call.id() == null || call.id().isBlank() || call.name() == null || call.name().isBlank()) {
            throw new BadRequestException("every toolCall needs an id and a name");
        }
        if (call.arguments() == null || !isJsonObject(call.arguments())) {
            throw new BadRequestException("the arguments of toolCall " + call.id()
                    + " must be a JSON object, as text");
        }
    }

    private static boolean isJsonObject(String text) {
        try {
            return JSON.readTree(text).isObject();
        } catch (JacksonException notJson) {
            return false;
        }
    }
}
