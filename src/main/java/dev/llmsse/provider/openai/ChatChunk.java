package dev.llmsse.provider.openai;

import java.util.ArrayList;
import java.util.List;

import dev.llmsse.chat.StreamEvent;
import dev.llmsse.provider.WireJson;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * One Chat Completions chunk, read with Jackson's streaming parser. This is the hottest decoder (OpenAI and
 * every compatible server): a chunk repeats {@code id}, {@code model}, {@code system_fingerprint},
 * {@code obfuscation} and more around a few bytes of text, and building a tree for all of it per token
 * costs more than the text is worth. Only choice 0, the usage and the error are read; the rest is skipped
 * without being materialized.
 */
final class ChatChunk {

    /** Choice 0's delta in this chunk. */
    record Choice(String content, String refusal, List<ToolCall> toolCalls, String finishReason) {
    }

    /** One {@code delta.tool_calls[]} entry; id and name come only with a call's first fragment. */
    record ToolCall(int index, String id, String name, String arguments) {
    }

    final List<Choice> choices = new ArrayList<>(1);
    StreamEvent.Usage usage;
    boolean error;
    String errorType;

    static ChatChunk parse(byte[] json) {
        ChatChunk chunk = new ChatChunk();
        try (JsonParser parser = WireJson.parser(json)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw WireJson.malformed();
            }
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("choices".equals(field) && value == JsonToken.START_ARRAY) {
                    chunk.readChoices(parser);
                } else if ("usage".equals(field) && value == JsonToken.START_OBJECT) {
                    chunk.usage = readUsage(parser);
                } else if ("error".equals(field) && value != JsonToken.VALUE_NULL) {
                    chunk.error = true;
                    chunk.errorType = value == JsonToken.START_OBJECT ? readErrorType(parser) : null;
                } else {
                    parser.skipChildren();
                }
            }
        } catch (JacksonException notJson) {
            throw WireJson.malformed();
        }
        return chunk;
    }

    private void readChoices(JsonParser parser) {
        while (parser.nextToken() == JsonToken.START_OBJECT) {
            int index = 0;
            String content = null;
            String refusal = null;
            String finishReason = null;
            List<ToolCall> toolCalls = List.of();
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("index".equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
                    index = parser.getIntValue();
                } else if ("finish_reason".equals(field)) {
                    finishReason = string(parser, value);
                } else if ("delta".equals(field) && value == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                        String deltaField = parser.currentName();
                        JsonToken deltaValue = parser.nextToken();
                        if ("content".equals(deltaField)) {
                            content = string(parser, deltaValue);
                        } else if ("refusal".equals(deltaField)) {
                            refusal = string(parser, deltaValue);
                        } else if ("tool_calls".equals(deltaField) && deltaValue == JsonToken.START_ARRAY) {
                            toolCalls = readToolCalls(parser);
                        } else {
                            parser.skipChildren();
                        }
                    }
                } else {
                    parser.skipChildren();
                }
            }
            if (index == 0) {
                choices.add(new Choice(content, refusal, toolCalls, finishReason));
            }
        }
    }

    private static List<ToolCall> readToolCalls(JsonParser parser) {
        List<ToolCall> calls = new ArrayList<>(1);
        while (parser.nextToken() == JsonToken.START_OBJECT) {
            int index = 0;
            String id = null;
            String name = null;
            String arguments = null;
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("index".equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
                    index = parser.getIntValue();
                } else if ("id".equals(field)) {
                    id = string(parser, value);
                } else if ("function".equals(field) && value == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                        String functionField = parser.currentName();
                        JsonToken functionValue = parser.nextToken();
                        if ("name".equals(functionField)) {
                            name = string(parser, functionValue);
                        } else if ("arguments".equals(functionField)) {
                            arguments = string(parser, functionValue);
                        } else {
                            parser.skipChildren();
                        }
                    }
                } else {
                    parser.skipChildren();
                }
            }
            calls.add(new ToolCall(index, id, name, arguments));
        }
        return calls;
    }

    private static StreamEvent.Usage readUsage(JsonParser parser) {
        Long prompt = null;
        Long completion = null;
        Long reasoning = null;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("prompt_tokens".equals(field)) {
                prompt = number(parser, value);
            } else if ("completion_tokens".equals(field)) {
                completion = number(parser, value);
            } else if ("completion_tokens_details".equals(field) && value == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                    String detail = parser.currentName();
                    JsonToken detailValue = parser.nextToken();
                    if ("reasoning_tokens".equals(detail)) {
                        reasoning = number(parser, detailValue);
                    } else {
                        parser.skipChildren();
                    }
                }
            } else {
                parser.skipChildren();
            }
        }
        return new StreamEvent.Usage(prompt, completion, reasoning);
    }

    /** The error's {@code type}, else its {@code code}; null when neither is a string. */
    private static String readErrorType(JsonParser parser) {
        String type = null;
        String code = null;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("type".equals(field)) {
                type = string(parser, value);
            } else if ("code".equals(field)) {
                code = string(parser, value);
            } else {
                parser.skipChildren();
            }
        }
        return type != null ? type : code;
    }

    private static String string(JsonParser parser, JsonToken value) {
        if (value == JsonToken.VALUE_STRING) {
            return parser.getString();
        }
        parser.skipChildren();
        return null;
    }

    private static Long number(JsonParser parser, JsonToken value) {
        if (value == JsonToken.VALUE_NUMBER_INT) {
            return parser.getLongValue();
        }
        parser.skipChildren();
        return null;
    }
}
