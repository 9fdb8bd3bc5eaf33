package dev.llmsse.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.llmsse.support.SseParser.Frame;

import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks an event stream of the OpenAI-compatible door ({@code docs/compatibility.md}) block by block, as OpenAI's
 * clients read it. Every dispatched block carries {@code data} (OpenAI's Python SDK turns a block without data
 * into an event it fails to parse, and it never forgets the last id, so even a blank line after a comment counts),
 * and none has {@code retry} or {@code event}. The data are {@code chat.completion.chunk}s with one id and one
 * model, one choice each, then a finish chunk, a usage chunk with no choices and {@code [DONE]}; or, after any
 * chunks, one {@code {"error": …}} event and nothing after it. Ids are ours ({@code <22 chars>.<seq>}), rising.
 */
public final class OpenAiStreamConformance {

    private static final Pattern EVENT_ID = Pattern.compile("[A-Za-z0-9_-]{22}\\.[1-9][0-9]{0,11}");
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private OpenAiStreamConformance() {
    }

    /**
     * What a well-formed stream carried.
     *
     * @param text         the {@code content} deltas, concatenated
     * @param finishReason the finish chunk's reason, or null (an error, or a resume after the end)
     * @param usage        the usage chunk's {@code usage}, or null
     * @param error        the error event's {@code error}, or null
     * @param ids          the event ids, in order, with the chunk each was on
     * @param heartbeats   comment lines seen
     */
    public record Stream(String text, String finishReason, JsonNode usage, JsonNode error, List<Identified> ids,
            int heartbeats) {

        /** Whether it ended with {@code [DONE]} rather than an error. */
        public boolean done() {
            return error == null;
        }

        /** The text the chunks up to and including the one with {@code id} carried. */
        public String textThrough(String id) {
            StringBuilder text = new StringBuilder();
            for (Identified event : ids) {
                text.append(event.text());
                if (event.id().equals(id)) {
                    return text.toString();
                }
            }
            throw new AssertionError("no event with id " + id);
        }
    }

    /**
     * An event that carried an id, and the text of the chunks since the previous one (a group of chunks from one
     * event of the core has its id on its last).
     */
    public record Identified(String id, String text) {
    }

    /** Parses a complete body and checks it. */
    public static Stream assertWellFormed(byte[] body) {
        SseParser parser = new SseParser();
        parser.feed(body);
        assertThat(parser.hasPendingInput()).as("bytes after the last event").isFalse();
        return assertWellFormed(parser.frames());
    }

    public static Stream assertWellFormed(List<Frame> frames) {
        assertThat(frames).as("events").isNotEmpty();
        Checker checker = new Checker();
        for (int i = 0; i < frames.size(); i++) {
            checker.accept(frames.get(i), i == frames.size() - 1);
        }
        assertThat(checker.ended).as("the stream ends with [DONE] or an error event").isTrue();
        return new Stream(checker.text.toString(), checker.finishReason, checker.usage, checker.error, checker.ids,
                checker.heartbeats);
    }

    private static final class Checker {
        final StringBuilder text = new StringBuilder();
        final StringBuilder sinceId = new StringBuilder();
        final List<Identified> ids = new ArrayList<>();
        String chunkId;
        String model;
        String finishReason;
        JsonNode usage;
        JsonNode error;
        int heartbeats;
        long lastSeq;
        boolean ended;

        void accept(Frame frame, boolean last) {
            heartbeats += frame.comments().size();
            assertThat(frame.firesEvent()).as("a block without data: %s", frame).isTrue();
            assertThat(frame.fieldNames()).as("fields of %s", frame).isSubsetOf("id", "data");
            assertThat(ended).as("nothing after [DONE] or an error: %s", frame).isFalse();
            if ("[DONE]".equals(frame.data())) {
                assertThat(frame.id()).as("[DONE] has no id").isNull();
                assertThat(usage).as("usage before [DONE]").isNotNull();
                assertThat(finishReason).as("the usage chunk follows the finish chunk").isNotNull();
                ended = true;
                return;
            }
            JsonNode json = JSON.readTree(frame.data());
            if (json.has("error")) {
                error(json, last);
            } else {
                chunk(json);
            }
            if (frame.id() != null) {
                id(frame.id());
            }
        }

        void error(JsonNode json, boolean last) {
            error = json.get("error");
            assertThat(json.propertyNames()).as("an error event is {error} only").containsExactly("error");
            assertThat(error.get("message").isString()).as("message of %s", error).isTrue();
            assertThat(error.get("type").isString()).as("type of %s", error).isTrue();
            assertThat(error.get("code").isString()).as("code of %s", error).isTrue();
            assertThat(error.has("param")).as("param of %s", error).isTrue();
            assertThat(last).as("the error event is the last").isTrue();
            ended = true;
        }

        void chunk(JsonNode chunk) {
            assertThat(usage).as("nothing but [DONE] after the usage chunk: %s", chunk).isNull();
            assertThat(chunk.get("object").stringValue()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.get("created").isIntegralNumber()).as("created of %s", chunk).isTrue();
            if (chunkId == null) {
                chunkId = chunk.get("id").stringValue();
                model = chunk.get("model").stringValue();
                assertThat(chunkId).startsWith("chatcmpl-");
            }
            assertThat(chunk.get("id").stringValue()).isEqualTo(chunkId);
            assertThat(chunk.get("model").stringValue()).isEqualTo(model);
            JsonNode choices = chunk.get("choices");
            if (choices.isEmpty()) {
                // After the finish chunk; or, for a failed answer, before its error event (checked at the end).
                usage = chunk.get("usage");
                assertThat(usage.get("total_tokens").asLong()).isEqualTo(
                        usage.get("prompt_tokens").asLong() + usage.get("completion_tokens").asLong());
                return;
            }
            assertThat(choices.size()).isEqualTo(1);
            JsonNode choice = choices.get(0);
            assertThat(choice.get("index").asInt()).isZero();
            assertThat(choice.has("finish_reason")).isTrue();
            assertThat(finishReason).as("no choice after the finish chunk").isNull();
            if (!choice.get("finish_reason").isNull()) {
                finishReason = choice.get("finish_reason").stringValue();
            }
            JsonNode content = choice.get("delta").get("content");
            if (content != null && !content.isNull()) {
                text.append(content.stringValue());
                sinceId.append(content.stringValue());
            }
        }

        void id(String id) {
            assertThat(id).as("event id").matches(EVENT_ID);
            long seq = Long.parseLong(id.substring(id.indexOf('.') + 1));
            assertThat(seq).as("ids rise").isGreaterThan(lastSeq);
            lastSeq = seq;
            ids.add(new Identified(id, sinceId.toString()));
            sinceId.setLength(0);
        }
    }
}
