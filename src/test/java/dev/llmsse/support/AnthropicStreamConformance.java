package dev.llmsse.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import dev.llmsse.support.SseParser.Frame;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks an event stream of the Anthropic-compatible door ({@code docs/compatibility.md}) event by event, as
 * Anthropic's clients read it: every block is an event whose name is its data's {@code type}, with {@code data} and
 * no {@code retry}; {@code ping}s anywhere; {@code message_start} first (one message id and model), then content
 * blocks each started, given deltas of its own kind and stopped once (text: {@code text_delta}, tool use:
 * {@code input_json_delta}), then {@code message_delta} with the stop reason and counts and {@code message_stop};
 * or, at any point, one {@code error} event and nothing after it. Ids are ours ({@code <22 chars>.<seq>}),
 * rising.
 */
public final class AnthropicStreamConformance {

    private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9_-]{22}\\.[1-9][0-9]{0,11}");
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private AnthropicStreamConformance() {
    }

    /**
     * What a well-formed stream carried.
     *
     * @param messageId  the message's id, or null (an error before it opened)
     * @param text       the text deltas, concatenated
     * @param tools      the tool calls, in block order
     * @param stopReason {@code message_delta}'s stop reason, or null (an error)
     * @param usage      {@code message_delta}'s {@code usage}, or null
     * @param error      the error event's {@code error}, or null
     * @param ids        the event ids, in order
     * @param pings      {@code ping} events seen
     * @param frames     the blocks, for resuming checks
     */
    public record Stream(String messageId, String text, List<Tool> tools, String stopReason, JsonNode usage,
            JsonNode error, List<String> ids, int pings, List<Frame> frames) {

        /** Whether it ended with {@code message_stop} rather than an error. */
        public boolean done() {
            return error == null;
        }

        /** The blocks up to and including the one with {@code id}. */
        public List<Frame> framesThrough(String id) {
            for (int i = 0; i < frames.size(); i++) {
                if (id.equals(frames.get(i).id())) {
                    return frames.subList(0, i + 1);
                }
            }
            throw new AssertionError("no event with id " + id);
        }
    }

    /** One {@code tool_use} block: its id, name and the {@code partial_json} fragments joined. */
    public record Tool(String id, String name, String inputJson) {
    }

    /** Parses a complete body and checks it. */
    public static Stream assertWellFormed(byte[] body) {
        SseParser parser = new SseParser();
        parser.feed(body);
        assertThat(parser.hasPendingInput()).as("bytes after the last event").isFalse();
        return assertWellFormed(parser.frames());
    }

    /** Checks that a resumed body continues {@code full} after {@code id} into one well-formed stream. */
    public static Stream assertContinues(Stream full, String id, byte[] rest) {
        List<Frame> joined = new ArrayList<>(full.framesThrough(id));
        joined.addAll(SseParser.parse(rest));
        return assertWellFormed(joined);
    }

    public static Stream assertWellFormed(List<Frame> frames) {
        assertThat(frames).as("events").isNotEmpty();
        Checker checker = new Checker();
        frames.forEach(checker::accept);
        assertThat(checker.ended).as("the stream ends with message_stop or an error event").isTrue();
        return new Stream(checker.messageId, checker.text.toString(), new ArrayList<>(checker.tools.values()),
                checker.stopReason, checker.usage, checker.error, checker.ids, checker.pings, List.copyOf(frames));
    }

    private static final class Checker {
        final StringBuilder text = new StringBuilder();
        final Map<Integer, Tool> tools = new TreeMap<>();
        final Map<Integer, String> open = new TreeMap<>();
        final List<Integer> stopped = new ArrayList<>();
        final List<String> ids = new ArrayList<>();
        String messageId;
        String stopReason;
        JsonNode usage;
        JsonNode error;
        int pings;
        long lastSeq;
        boolean ended;

        void accept(Frame frame) {
            assertThat(frame.firesEvent()).as("a block without data: %s", frame).isTrue();
            assertThat(frame.fieldNames()).as("fields of %s", frame).isSubsetOf("id", "event", "data");
            assertThat(ended).as("nothing after message_stop or an error: %s", frame).isFalse();
            JsonNode json = JSON.readTree(frame.data());
            String type = json.path("type").asString();
            assertThat(frame.event()).as("the event name is the data's type: %s", frame).isEqualTo(type);
            if (frame.id() != null) {
                id(frame.id());
            }
            switch (type) {
                case "ping" -> pings++;
                case "error" -> error(json);
                case "message_start" -> start(json.get("message"));
                case "content_block_start" -> blockStart(json);
                case "content_block_delta" -> blockDelta(json);
                case "content_block_stop" -> blockStop(json.get("index").asInt());
                case "message_delta" -> messageDelta(json);
                case "message_stop" -> {
                    assertThat(stopReason).as("message_delta before message_stop").isNotNull();
                    ended = true;
                }
                default -> throw new AssertionError("an event Anthropic's clients do not know: " + frame);
            }
        }

        void error(JsonNode json) {
            error = json.get("error");
            assertThat(error.get("type").isString()).as("type of %s", error).isTrue();
            assertThat(error.get("message").isString()).as("message of %s", error).isTrue();
            ended = true;
        }

        void start(JsonNode message) {
            assertThat(messageId).as("one message_start").isNull();
            messageId = message.get("id").stringValue();
            assertThat(messageId).startsWith("msg_");
            assertThat(message.get("type").stringValue()).isEqualTo("message");
            assertThat(message.get("role").stringValue()).isEqualTo("assistant");
            assertThat(message.get("model").isString()).isTrue();
            assertThat(message.get("content").isEmpty()).isTrue();
            assertThat(message.get("usage").get("input_tokens").isIntegralNumber()).isTrue();
        }

        void blockStart(JsonNode json) {
            started();
            int index = json.get("index").asInt();
            assertThat(open).as("block %d opened once", index).doesNotContainKey(index);
            assertThat(stopped).as("block %d opened once", index).doesNotContain(index);
            assertThat(index).as("blocks are numbered in order").isEqualTo(open.size() + stopped.size());
            JsonNode block = json.get("content_block");
            String type = block.get("type").stringValue();
            if ("tool_use".equals(type)) {
                assertThat(block.get("input").isObject()).isTrue();
                tools.put(index, new Tool(block.get("id").stringValue(), block.get("name").stringValue(), ""));
            } else {
                assertThat(type).isEqualTo("text");
                assertThat(block.get("text").stringValue()).isEmpty();
            }
            open.put(index, type);
        }

        void blockDelta(JsonNode json) {
            int index = json.get("index").asInt();
            assertThat(open).as("a delta for an open block: %s", json).containsKey(index);
            JsonNode delta = json.get("delta");
            if ("text".equals(open.get(index))) {
                assertThat(delta.get("type").stringValue()).isEqualTo("text_delta");
                text.append(delta.get("text").stringValue());
            } else {
                assertThat(delta.get("type").stringValue()).isEqualTo("input_json_delta");
                Tool tool = tools.get(index);
                tools.put(index, new Tool(tool.id(), tool.name(), tool.inputJson() + delta.get("partial_json").stringValue()));
            }
        }

        void blockStop(int index) {
            assertThat(open).as("a stop for an open block").containsKey(index);
            open.remove(index);
            stopped.add(index);
        }

        void messageDelta(JsonNode json) {
            started();
            assertThat(open).as("every block stopped before message_delta").isEmpty();
            assertThat(stopReason).as("one message_delta").isNull();
            stopReason = json.get("delta").get("stop_reason").stringValue();
            assertThat(json.get("delta").has("stop_sequence")).isTrue();
            usage = json.get("usage");
            assertThat(usage.get("output_tokens").isIntegralNumber()).isTrue();
            assertThat(usage.get("input_tokens").isIntegralNumber()).isTrue();
        }

        void started() {
            assertThat(messageId).as("message_start comes first").isNotNull();
            assertThat(stopReason).as("nothing after message_delta but message_stop").isNull();
        }

        void id(String id) {
            assertThat(id).as("event id").matches(EVENT_ID);
            long seq = Long.parseLong(id.substring(id.indexOf('.') + 1));
            assertThat(seq).as("ids rise").isGreaterThan(lastSeq);
            lastSeq = seq;
            ids.add(id);
        }
    }
}
