package dev.llmsse.provider;

import dev.llmsse.chat.ProviderException;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON for provider wire formats: one private mapper (the wire format must not change with the
 * application's Jackson customizations), parsing straight from the decoder's bytes, and the few lookups
 * the adapters share.
 */
public final class WireJson {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private WireJson() {
    }

    /** Parses one chunk; malformed JSON is an {@code upstream_protocol} error. */
    public static JsonNode parse(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (JacksonException notJson) {
            // The parser's message quotes the input, which is upstream text: keep it out of the error.
            throw malformed();
        }
    }

    /**
     * A streaming parser over one chunk, for the hot-path decoders that read only a few fields. Its
     * {@code JacksonException}s should be turned into {@link #malformed()}.
     */
    public static JsonParser parser(byte[] json) {
        return JSON.createParser(json);
    }

    /** The error for a chunk that is not valid JSON; the parser's own message is not used, it quotes input. */
    public static ProviderException malformed() {
        return new ProviderException("upstream_protocol", "the provider sent malformed JSON", false);
    }

    /** A new request body. */
    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** Parsed JSON (maps, lists, scalars) as a tree, for JSON Schemas carried in the chat model. */
    public static JsonNode tree(Object value) {
        return JSON.valueToTree(value);
    }

    /**
     * Tool-call arguments (JSON text, checked to be an object at the door) as a tree, for providers that take
     * them as an object; an empty object if they are somehow not one.
     */
    public static ObjectNode arguments(String json) {
        try {
            JsonNode node = JSON.readTree(json);
            return node.isObject() ? (ObjectNode) node : object();
        } catch (JacksonException notJson) {
            return object();
        }
    }

    public static byte[] bytes(JsonNode node) {
        return JSON.writeValueAsBytes(node);
    }

    /** Compact JSON text of a node, for tool arguments that arrive as objects (Gemini, Ollama). */
    public static String text(JsonNode node) {
        return JSON.writeValueAsString(node);
    }

    /** A string field, or null when absent, null or not a string. */
    public static String string(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isString() ? value.stringValue() : null;
    }

    /** A number field, or null when absent or not a number. */
    public static Long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isNumber() ? value.longValue() : null;
    }
}
