package dev.llmsse.web;

import java.util.Map;
import java.util.regex.Pattern;

import dev.llmsse.chat.ResponseFormat;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and checks a request's structured output. A bad one is refused with a 400 before anything goes upstream:
 * a provider would refuse it too, but after a slot and a connection were spent, and in its own words.
 */
public final class ResponseFormats {

    /** OpenAI's rule for a schema name, the only provider that takes one. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() { };

    private ResponseFormats() {
    }

    /**
     * Our protocol's {@code responseFormat}: {@code {type: "json_schema", schema, name?, strict?}}, or
     * {@code {type: "text"}} for free text; null when absent.
     */
    static ResponseFormat read(JsonNode format) {
        if (format == null || format.isNull() || format.isMissingNode()) {
            return null;
        }
        if (!format.isObject()) {
            throw new BadRequestException("responseFormat must be an object {type: \"json_schema\", schema}");
        }
        String type = format.path("type").asString("");
        return switch (type) {
            case "text" -> null;
            case "json_schema" -> schema(format.get("schema"), format.get("name"), format.get("strict"),
                    "responseFormat");
            default -> throw new BadRequestException("responseFormat.type must be \"json_schema\" or \"text\"");
        };
    }

    /**
     * A JSON Schema format from its fields, as the doors spell them too; {@code where} names the field in the
     * messages. Throws a 400 when the schema is not an object, the name breaks OpenAI's rule or strict is no
     * boolean.
     */
    public static ResponseFormat schema(JsonNode schema, JsonNode name, JsonNode strict, String where) {
        if (schema == null || !schema.isObject()) {
            throw new BadRequestException(where + ".schema must be a JSON Schema object");
        }
        if (name != null && !name.isNull() && !(name.isString() && NAME.matcher(name.asString()).matches())) {
            throw new BadRequestException(where + ".name must be 1 to 64 letters, digits, _ or -");
        }
        if (strict != null && !strict.isNull() && !strict.isBoolean()) {
            throw new BadRequestException(where + ".strict must be true or false");
        }
        return new ResponseFormat(name == null || name.isNull() ? ResponseFormat.DEFAULT_NAME : name.asString(),
                JSON.convertValue(schema, OBJECT), strict == null || strict.isNull() || strict.asBoolean());
    }
}
