package dev.llmsse.provider;

import tools.jackson.core.JacksonException;
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
        } catch (JacksonException malformed) {
            // The parser's message quotes the input, which is upstream text: keep it out of the error.
            throw new ProviderException("upstream_protocol", "the provider sent malformed JSON", false);
        }
    }

    /** A new request body. */
    public static ObjectNode object() {
        return JSON.createObjectNode();
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
