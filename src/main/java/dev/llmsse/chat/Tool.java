package dev.llmsse.chat;

import java.util.Map;

/**
 * A tool the model may call.
 *
 * @param name        the name the model calls it by
 * @param description what it does, for the model; may be null
 * @param parameters  a JSON Schema object describing its arguments, as parsed JSON (maps, lists, scalars)
 */
public record Tool(String name, String description, Map<String, Object> parameters) {
}
