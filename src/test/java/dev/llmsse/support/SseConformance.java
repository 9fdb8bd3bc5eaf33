package dev.llmsse.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.llmsse.support.SseParser.Field;
import dev.llmsse.support.SseParser.Frame;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks a parsed event stream frame by frame against the wire protocol (DESIGN.md, "Frames"): a
 * {@code retry}-only frame first; then unnamed token frames with ids {@code <22 url-safe chars>.<seq>}, seq
 * rising by one; pings {@code event: ping} / {@code data: keep-alive} without id anywhere in between; and
 * exactly one terminal frame, last, with nothing after it. Shared by the conformance and the fuzz tests.
 */
public final class SseConformance {

    private static final Pattern EVENT_ID = Pattern.compile("([A-Za-z0-9_-]{22})\\.([1-9][0-9]{0,11})");

    // Strict on what a client's JSON.parse would silently accept: repeated keys and trailing content.
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private SseConformance() {
    }

    /**
     * What a well-formed stream carried.
     *
     * @param generationId the generation part shared by every id
     * @param tokens       the {@code token} strings, in order
     * @param terminal     the terminal frame's JSON
     * @param pings        how many heartbeat frames came
     * @param lastSeq      the terminal frame's seq
     */
    public record Stream(String generationId, List<String> tokens, JsonNode terminal, int pings, long lastSeq) {

        /** The answer's text: every token, concatenated. */
        public String text() {
            return String.join("", tokens);
        }

        /** Whether the stream ended with {@code {"done":true,…}} rather than an error. */
        public boolean done() {
            return terminal.has("done");
        }
    }

    /** Parses a complete body and checks it; a stream must start at seq 1 and announce {@code retry}. */
    public static Stream assertWellFormed(byte[] body, long retryMillis) {
        SseParser parser = new SseParser();
        parser.feed(body);
        assertThat(parser.hasPendingInput()).as("bytes after the last frame").isFalse();
        return assertWellFormed(parser.frames(), retryMillis, 1);
    }

    /**
     * Checks parsed frames.
     *
     * @param frames      every frame of the body
     * @param retryMillis the {@code retry} value the first frame must carry
     * @param firstSeq    the seq of the first logged frame (1, or one past a resume position)
     */
    public static Stream assertWellFormed(List<Frame> frames, long retryMillis, long firstSeq) {
        assertThat(frames).as("frames").isNotEmpty();
        Frame first = frames.get(0);
        assertThat(first.fields()).as("first frame").containsExactly(new Field("retry", Long.toString(retryMillis)));
        assertThat(first.comments()).as("comments in first frame").isEmpty();

        String generationId = null;
        long expectedSeq = firstSeq;
        List<String> tokens = new ArrayList<>();
        JsonNode terminal = null;
        int pings = 0;
        for (int i = 1; i < frames.size(); i++) {
            Frame frame = frames.get(i);
            String where = "frame " + i + " " + frame;
            assertThat(terminal).as("a frame after the terminal frame: " + where).isNull();
            assertThat(frame.comments()).as("comments in " + where).isEmpty();
            if (frame.event() != null) {
                assertThat(frame.fields()).as(where)
                        .containsExactlyInAnyOrder(new Field("event", "ping"), new Field("data", "keep-alive"));
                pings++;
                continue;
            }
            assertThat(frame.fields()).as(where).extracting(Field::name).containsExactlyInAnyOrder("id", "data");
            Matcher id = EVENT_ID.matcher(String.valueOf(frame.id()));
            assertThat(id.matches()).as("id of " + where).isTrue();
            if (generationId == null) {
                generationId = id.group(1);
            }
            assertThat(id.group(1)).as("generation of " + where).isEqualTo(generationId);
            assertThat(Long.parseLong(id.group(2))).as("seq of " + where).isEqualTo(expectedSeq);
            expectedSeq++;

            JsonNode data = json(frame.data(), where);
            assertThat(data.isObject()).as("data of " + where).isTrue();
            if (data.has("token")) {
                assertThat(data.propertyNames()).as(where).containsExactly("token");
                assertThat(data.get("token").isString()).as("token of " + where).isTrue();
                tokens.add(data.get("token").stringValue());
            } else {
                assertTerminal(data, where);
                terminal = data;
            }
        }
        assertThat(terminal).as("the terminal frame").isNotNull();
        return new Stream(generationId, tokens, terminal, pings, expectedSeq - 1);
    }

    /** {@code {"done":true,…}} or {@code {"error":{"code","message","retryable"}, "usage"?}}, nothing else. */
    private static void assertTerminal(JsonNode data, String where) {
        if (data.has("done")) {
            assertThat(data.get("done").isBoolean() && data.get("done").booleanValue()).as("done of " + where)
                    .isTrue();
            assertThat(data.propertyNames()).as(where).isSubsetOf(Set.of("done", "finishReason", "usage"));
            return;
        }
        // An error frame may carry the usage known when the answer failed.
        assertThat(data.propertyNames()).as("neither a token nor a terminal frame: " + where)
                .contains("error").isSubsetOf("error", "usage");
        JsonNode error = data.get("error");
        assertThat(error.propertyNames()).as(where).containsExactlyInAnyOrder("code", "message", "retryable");
        assertThat(error.get("code").isString()).as("error code of " + where).isTrue();
        assertThat(error.get("message").isString()).as("error message of " + where).isTrue();
        assertThat(error.get("retryable").isBoolean()).as("error retryable of " + where).isTrue();
    }

    private static JsonNode json(String data, String where) {
        try {
            return JSON.readTree(data);
        } catch (RuntimeException malformed) {
            throw new AssertionError("data is not valid JSON in " + where, malformed);
        }
    }
}
