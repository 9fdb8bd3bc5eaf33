package dev.llmsse.provider.openai;

import java.util.ArrayList;
import java.util.List;

import dev.llmsse.chat.StreamEvent;
import dev.llmsse.provider.CachedTokens;
import dev.llmsse.provider.WireJson;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

/**
 * One Chat Completions chunk, read with Jackson's streaming parser. This is the hottest decoder (OpenAI and
 * every compatible server): a chunk repeats {@code id}, {@code model}, {@code system_fingerprint},
 * {@code obfuscation} and more around a few bytes of text, and building a tree for all of it per token
 * costs more than the text is worth. Only choice 0, the usage and the error are read; the rest is skipped
 * without being materialized.
 */
final class ChatChunk {

    /** Choice 0's delta in this chunk. */
    record Choice(String content, String refusal, List<ToolCall> toolCalls, String finishReason, String reasoning) {
    }

    /** One {@code delta.tool_calls[]} entry; id and name come only with a call's first fragment. */
    record ToolCall(int index, String id, String name, String arguments) {
    }

    final List<Choice> choices = new ArrayList<>(1);
    StreamEvent.Usage usage;
    boolean error;
    String errorType;

    /** One field of an object being read; a value it leaves unread is skipped whole. */
    private interface Field {
        void read(String name, JsonToken value);
    }

    static ChatChunk parse(byte[] json) {
        ChatChunk chunk = new ChatChunk();
        try (JsonParser parser = WireJson.parser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw WireJson.malformed();
            }
            readObject(parser, (field, value) -> chunk.field(parser, field, value));
        } catch (JacksonException notJson) {
            throw WireJson.malformed();
        }
        return chunk;
    }

    /**
     * Reads the object the parser just opened, field by field, and skips what {@code field} did not read
     * without materializing it (after a value that was read, {@code skipChildren} does nothing).
     */
    private static void readObject(JsonParser parser, Field field) {
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            field.read(name, parser.nextToken());
            parser.skipChildren();
        }
    }

    /**
     * A top-level field. Only the choices come with every token and are read as a stream; usage (once per
     * answer), tool calls and errors are small and rare enough to read as trees.
     */
    private void field(JsonParser parser, String field, JsonToken value) {
        if ("choices".equals(field) && value == JsonToken.START_ARRAY) {
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                ChoiceReader choice = new ChoiceReader(parser);
                readObject(parser, choice::field);
                if (choice.index == 0) {
                    choices.add(new Choice(choice.content, choice.refusal, choice.toolCalls, choice.finishReason,
                            choice.reasoning));
                }
            }
        } else if ("usage".equals(field) && value == JsonToken.START_OBJECT) {
            JsonNode node = parser.readValueAsTree();
            usage = CachedTokens.apart(integer(node, "prompt_tokens"), integer(node, "completion_tokens"),
                    integer(node.path("completion_tokens_details"), "reasoning_tokens"),
                    integer(node.path("prompt_tokens_details"), "cached_tokens"));
        } else if ("error".equals(field) && value != JsonToken.VALUE_NULL) {
            error = true;
            errorType = value == JsonToken.START_OBJECT ? ChatCompletionsMapper.typeOf(parser.readValueAsTree()) : null;
        }
    }

    /** One {@code choices[]} entry; its {@code delta} is read into the same fields. */
    private static final class ChoiceReader {

        private final JsonParser parser;
        private int index;
        private String content;
        private String refusal;
        private String reasoning;
        private String finishReason;
        private List<ToolCall> toolCalls = List.of();

        ChoiceReader(JsonParser parser) {
            this.parser = parser;
        }

        void field(String field, JsonToken value) {
            if ("index".equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
                index = parser.getIntValue();
            } else if ("finish_reason".equals(field)) {
                finishReason = string(value);
            } else if ("delta".equals(field) && value == JsonToken.START_OBJECT) {
                readObject(parser, this::deltaField);
            }
        }

        private void deltaField(String field, JsonToken value) {
            if ("content".equals(field)) {
                content = string(value);
            } else if ("refusal".equals(field)) {
                refusal = string(value);
            } else if ("reasoning_content".equals(field) || "reasoning".equals(field)) {
                // DeepSeek and vLLM name it reasoning_content, OpenRouter reasoning; a server sends one of them.
                String text = string(value);
                reasoning = text != null ? text : reasoning;
            } else if ("tool_calls".equals(field) && value == JsonToken.START_ARRAY) {
                toolCalls = toolCalls(parser.readValueAsTree());
            }
        }

        private String string(JsonToken value) {
            return value == JsonToken.VALUE_STRING ? parser.getString() : null;
        }
    }

    /** Each entry's index, id, and {@code function}'s name and arguments; an entry that is no object is skipped. */
    private static List<ToolCall> toolCalls(JsonNode entries) {
        List<ToolCall> calls = new ArrayList<>(1);
        for (JsonNode call : entries) {
            if (call.isObject()) {
                Long index = integer(call, "index");
                JsonNode function = call.path("function");
                calls.add(new ToolCall(index == null ? 0 : index.intValue(), WireJson.string(call, "id"),
                        WireJson.string(function, "name"), WireJson.string(function, "arguments")));
            }
        }
        return calls;
    }

    /** An integer field, or null when absent or not an integer. */
    private static Long integer(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isIntegralNumber() ? value.longValue() : null;
    }
}
