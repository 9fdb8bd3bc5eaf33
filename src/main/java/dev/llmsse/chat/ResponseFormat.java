package dev.llmsse.chat;

import java.util.Map;

/**
 * Structured output: the answer must be JSON that a schema describes. Each adapter maps it to its provider's own
 * field (see {@code docs/protocol.md}, "Structured output"). Validated before it gets here.
 *
 * @param name   a name for the schema, which OpenAI requires ({@value #DEFAULT_NAME} when the client gave none)
 * @param schema the JSON Schema, an object
 * @param strict whether a provider that can choose (OpenAI) must follow the schema exactly rather than take it as
 *               a hint; true unless the client said otherwise
 */
public record ResponseFormat(String name, Map<String, Object> schema, boolean strict) {

    /** The schema name when the client gave none. */
    public static final String DEFAULT_NAME = "response";

    public ResponseFormat {
        schema = Map.copyOf(schema);
    }
}
