package dev.llmsse.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decoding one upstream OpenAI Chat Completions chunk into the token text, a stand-in for the OpenAI adapter's
 * decoder until it lands: the bytes of one SSE event ({@code data: {…}\n\n}) as they arrive from the socket.
 *
 * <ul>
 *   <li>{@link #streamingParser}: find the line, skip {@code data: }, walk the JSON with Jackson 3's streaming
 *       parser to {@code choices[0].delta.content}, the byte-level way the design asks for;</li>
 *   <li>{@link #treeModel}: the idiomatic way, {@code readTree} of the payload string and a path lookup.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class UpstreamChunkDecodeBenchmark {

    /** One token chunk as OpenAI sends it with include_usage (shared/provider-transcripts/openai/). */
    static final byte[] CHUNK = ("data: {\"id\":\"chatcmpl-D8dV4fIhj9EeF5vu9iDuZYuG5qp3o\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1770950834,\"model\":\"gpt-4o-2024-08-06\",\"service_tier\":\"default\","
            + "\"system_fingerprint\":\"fp_ad98c18a04\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" sorry\"},"
            + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"PiUM2UVvJJ\"}\n\n").getBytes(StandardCharsets.UTF_8);

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    @Benchmark
    public String streamingParser() {
        int end = lineEnd(CHUNK, 0);
        int from = 5; // "data:"
        if (CHUNK[from] == ' ') {
            from++;
        }
        return content(CHUNK, from, end - from);
    }

    @Benchmark
    public String treeModel() {
        int end = lineEnd(CHUNK, 0);
        String payload = new String(CHUNK, 6, end - 6, StandardCharsets.UTF_8);
        JsonNode node = MAPPER.readTree(payload);
        return node.path("choices").path(0).path("delta").path("content").asString();
    }

    static int lineEnd(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n' || bytes[i] == '\r') {
                return i;
            }
        }
        return bytes.length;
    }

    /** {@code choices[0].delta.content}, or null; property names come from Jackson's symbol table, not copies. */
    static String content(byte[] bytes, int offset, int length) {
        try (JsonParser parser = FACTORY.createParser(ObjectReadContext.empty(), bytes, offset, length)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String content = null;
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("choices".equals(name) && value == JsonToken.START_ARRAY) {
                    if (parser.nextToken() == JsonToken.START_OBJECT) {
                        content = choice(parser);
                    }
                    while (parser.currentToken() != JsonToken.END_ARRAY) {
                        parser.skipChildren();
                        parser.nextToken();
                    }
                } else {
                    parser.skipChildren();
                }
            }
            return content;
        }
    }

    private static String choice(JsonParser parser) {
        String content = null;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("delta".equals(name) && value == JsonToken.START_OBJECT) {
                while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                    String field = parser.currentName();
                    JsonToken fieldValue = parser.nextToken();
                    if ("content".equals(field) && fieldValue == JsonToken.VALUE_STRING) {
                        content = parser.getString();
                    } else {
                        parser.skipChildren();
                    }
                }
            } else {
                parser.skipChildren();
            }
        }
        return content;
    }
}
