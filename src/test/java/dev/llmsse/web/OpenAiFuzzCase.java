package dev.llmsse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.llmsse.support.OpenAiStreamConformance;
import dev.llmsse.support.RawHttpClient.Request;

import org.springframework.http.MediaType;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 16: one fuzz case at the OpenAI-compatible door, for {@link EndpointFuzzTest}. Mostly a well-formed
 * OpenAI request with arbitrary text, roles, content parts, models and options, spoiled in at most one place
 * whose answer is known (a parameter the door refuses, a wrong JSON type, a blank or overlong conversation);
 * else a hostile body. Whatever comes in: no 5xx, every error in OpenAI's shape, every stream well-formed as
 * OpenAI's clients read it, and where the answer is predictable its status, code, text and resume are checked.
 */
final class OpenAiFuzzCase {

    /** Sends a request and returns its checked response (the fuzz test's own exchange). */
    interface Exchange {
        EndpointFuzzTest.Response call(Request request) throws IOException;
    }

    private static final String PATH = "/v1/chat/completions";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Values of the wrong JSON type for each field (no coercion: {@code "5"} is no number, {@code 1} no boolean). */
    private static final Map<String, List<Object>> WRONG_TYPES = Map.of(
            "stream", List.of("true", 1, List.of(), Map.of()),
            "temperature", List.of("0.5", true, List.of(), Map.of()),
            "n", List.of("1", true, 1.5, List.of(), Map.of()),
            "model", List.of(5, true, List.of(), Map.of()),
            "messages", List.of("hi", true, 5, Map.of()),
            "stream_options", List.of("x", true, 5, List.of()));

    private final EndpointFuzzTest.Gen gen;
    private final Exchange exchange;
    private final int maxPromptChars;
    private final int maxBodyBytes;

    OpenAiFuzzCase(EndpointFuzzTest.Gen gen, Exchange exchange, int maxPromptChars, int maxBodyBytes) {
        this.gen = gen;
        this.exchange = exchange;
        this.maxPromptChars = maxPromptChars;
        this.maxBodyBytes = maxBodyBytes;
    }

    void run() throws IOException {
        switch (gen.random.nextInt(8)) {
            case 0 -> hostileBody();
            case 1 -> otherRoutes();
            default -> predictable();
        }
    }

    /** A valid request, with at most one spoiler whose answer is known. */
    private void predictable() throws IOException {
        List<Map<String, Object>> messages = new ArrayList<>();
        int turns = gen.random.nextInt(3);
        for (int i = 0; i < turns; i++) {
            messages.add(message(gen.pick("system", "developer", "user", "assistant"), gen.text(60)));
        }
        String last = gen.random.nextInt(8) == 0 ? gen.text(maxPromptChars * 2) : gen.text(80);
        messages.add(message("user", last));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("messages", messages);
        if (gen.random.nextBoolean()) {
            body.put("model", gen.pick("echo/echo", "echo/tiny", " echo/echo "));
        }
        boolean stream = gen.random.nextBoolean();
        body.put("stream", stream);
        if (gen.random.nextInt(3) == 0) {
            body.put("stream_options", Map.of("include_usage", gen.random.nextBoolean()));
        }
        if (gen.random.nextInt(3) == 0) {
            body.put(gen.pick("max_tokens", "max_completion_tokens"), 1 + gen.random.nextInt(1000));
        }
        if (gen.random.nextInt(4) == 0) {
            body.put(gen.pick("top_p", "seed", "user", "stop", "parallel_tool_calls", "metadata"), gen.text(10));
        }
        Expected spoiled = spoil(body, messages);
        @SuppressWarnings("unchecked")
        Map<String, Object> sent = (Map<String, Object>) EndpointFuzzTest.Gen.wellFormed(body);
        byte[] bytes = JSON.writeValueAsBytes(sent);
        EndpointFuzzTest.Response response = exchange.call(post(bytes));
        Expected expected = expected(spoiled, sent, bytes.length);
        response.assertStatus(expected.status());
        if (expected.status() != 200) {
            assertThat(response.openAiError().path("code").asString()).as(response.toString()).isEqualTo(expected.code());
            count("openai " + expected.code());
            return;
        }
        @SuppressWarnings("unchecked")
        String answer = "You said: " + lastUserText((List<Map<String, Object>>) sent.get("messages"));
        if (stream) {
            streamed(response, answer, sent);
        } else {
            JsonNode completion = response.json(MediaType.APPLICATION_JSON);
            assertThat(completion.path("choices").path(0).path("message").path("content").asString())
                    .as(response.toString()).isEqualTo(answer);
            count("openai json");
        }
    }

    /** At most one place spoiled; the answer it must get, or null when the request stays valid. */
    private Expected spoil(Map<String, Object> body, List<Map<String, Object>> messages) {
        return switch (gen.random.nextInt(16)) {
            // Tools are read after the conversation: a tool of another type than function, a tool choice that
            // asks for tools none offer, or is no choice.
            case 0 -> spoiled(body, "tools", List.of(Map.of("type", gen.pick("custom", "web_search"), "custom",
                    Map.of("name", "f"))), "unsupported_parameter").afterTheConversation();
            case 1 -> gen.random.nextBoolean()
                    ? spoiled(body, "tool_choice", "required", "bad_request").afterTheConversation()
                    : spoiled(body, "tool_choice", Map.of("type", "function"), "invalid_value").afterTheConversation();
            // JSON mode is refused; a json_schema format without its schema is no format.
            case 2 -> gen.random.nextBoolean()
                    ? spoiled(body, "response_format", Map.of("type", "json_object"), "unsupported_parameter")
                    : spoiled(body, "response_format", Map.of("type", "json_schema"), "invalid_value");
            case 3 -> spoiled(body, "n", gen.pick(0, 2, 5), "unsupported_parameter");
            case 4 -> {
                // One of the two names only: max_completion_tokens would win over max_tokens.
                body.remove("max_tokens");
                body.remove("max_completion_tokens");
                yield spoiled(body, gen.pick("max_tokens", "max_completion_tokens"), gen.pick(0, -1, 32769),
                        "invalid_value");
            }
            case 5 -> {
                // A value of the wrong JSON type for its field is refused while the body is read.
                String key = gen.pick("stream", "temperature", "n", "model", "messages", "stream_options");
                List<Object> wrong = WRONG_TYPES.get(key);
                yield spoiled(body, key, wrong.get(gen.random.nextInt(wrong.size())), "bad_request");
            }
            case 6 -> {
                messages.add(0, message(gen.pick("tool", "function", "robot", "", "USER"), "x"));
                String role = messages.get(0).get("role").toString();
                // A tool message without the call it answers passes the conversation's checks, not the tools'.
                yield "tool".equals(role) ? new Expected(400, "bad_request", true)
                        : new Expected(400, "function".equals(role) ? "unsupported_parameter" : "invalid_value", false);
            }
            case 7 -> {
                messages.get(0).put("content", List.of(Map.of("type", gen.pick("image_url", "input_audio", "file"))));
                yield new Expected(400, "unsupported_parameter", false);
            }
            // Checked after the conversation: a blank or overlong one is answered first.
            case 8 -> spoiled(body, "model", gen.pick("nope/x", "echo", "echo/other"), "unknown_model").afterTheConversation();
            case 9 -> spoiled(body, "temperature", gen.pick(-0.5, 2.5, 100.0), "bad_request").afterTheConversation();
            case 10 -> {
                // Text parts in place of a string: the same conversation, joined by newlines.
                Object content = messages.get(messages.size() - 1).get("content");
                messages.get(messages.size() - 1).put("content",
                        List.of(Map.of("type", "text", "text", content), Map.of("type", "text", "text", "more")));
                yield null;
            }
            default -> null;
        };
    }

    private static Expected spoiled(Map<String, Object> body, String key, Object value, String code) {
        body.put(key, value);
        return new Expected(400, code, false);
    }

    /** The answer: an oversized body first, then the spoiler, but a late one only for a valid conversation. */
    @SuppressWarnings("unchecked")
    private Expected expected(Expected spoiled, Map<String, Object> sent, int bodyBytes) {
        if (bodyBytes > maxBodyBytes) {
            return new Expected(413, "too_large", false);
        }
        if (spoiled != null && !spoiled.late()) {
            return spoiled;
        }
        Expected conversation = outcomeOf((List<Map<String, Object>>) sent.get("messages"));
        return spoiled != null && conversation.status() == 200 ? spoiled : conversation;
    }

    /** What a valid request gets: checks run blank conversation first, then its length. */
    private Expected outcomeOf(List<Map<String, Object>> messages) {
        long chars = 0;
        boolean userText = false;
        for (Map<String, Object> message : messages) {
            String text = text(message.get("content"));
            chars += text.length();
            userText |= "user".equals(message.get("role")) && !text.isBlank();
        }
        if (!userText) {
            return new Expected(400, "bad_request", false);
        }
        return chars > maxPromptChars ? new Expected(413, "too_large", false) : new Expected(200, null, false);
    }

    private void streamed(EndpointFuzzTest.Response response, String answer, Map<String, Object> sent)
            throws IOException {
        OpenAiStreamConformance.Stream stream = response.openAiStream();
        if (stream.done()) {
            assertThat(stream.text()).as(response.toString()).isEqualTo(answer);
            count("openai stream done");
        } else {
            // Only the event cap ends an echo early; the text so far is a prefix of the answer.
            assertThat(stream.error().path("code").asString()).as(response.toString()).isEqualTo("too_long");
            assertThat(answer).as(response.toString()).startsWith(stream.text());
            count("openai stream error too_long");
        }
        if (gen.random.nextBoolean() && stream.ids().size() > 1) {
            List<OpenAiStreamConformance.Identified> ids = stream.ids();
            String from = ids.get(gen.random.nextInt(ids.size() - 1)).id();
            EndpointFuzzTest.Response resumed = exchange.call(post(JSON.writeValueAsBytes(sent)).header("Last-Event-ID", from));
            resumed.assertStatus(200);
            OpenAiStreamConformance.Stream rest = resumed.openAiStream();
            assertThat(stream.textThrough(from) + rest.text()).as(resumed.toString()).isEqualTo(stream.text());
            count("openai resume rest");
        }
    }

    /** Not JSON, cut JSON, the wrong shape, an arbitrary Last-Event-ID or content type: only the general rules. */
    private void hostileBody() throws IOException {
        Request request = post(gen.body());
        if (gen.random.nextInt(4) == 0) {
            request = new Request(request.method(), request.target(), List.of(), request.body())
                    .header("Content-Type", gen.pick("text/plain", "application/x-www-form-urlencoded", "application/json"));
        }
        if (gen.random.nextInt(4) == 0) {
            request = request.header("Last-Event-ID", gen.headerValue(gen.lastEventId(null)));
        }
        EndpointFuzzTest.Response response = exchange.call(request);
        response.assertStatusIn(200, 400, 413);
        if (response.status() == 200 && response.isEventStream()) {
            response.openAiStream();
        } else if (response.status() == 200) {
            assertThat(response.json(MediaType.APPLICATION_JSON).path("object").asString()).isEqualTo("chat.completion");
        }
    }

    private void otherRoutes() throws IOException {
        switch (gen.random.nextInt(3)) {
            case 0 -> {
                EndpointFuzzTest.Response models = exchange.call(Request.get(gen.spell("/v1/models")));
                models.assertStatus(200);
                assertThat(models.json(MediaType.APPLICATION_JSON).path("object").asString()).isEqualTo("list");
            }
            case 1 -> exchange.call(Request.get(gen.spell(PATH))).assertStatus(405);
            default -> exchange.call(Request.get("/v1/" + EndpointFuzzTest.encode(gen.text(20)))).assertStatusIn(400, 404);
        }
    }

    private Request post(byte[] body) {
        return Request.post(gen.spell(PATH), body).header("Content-Type", "application/json");
    }

    private static Map<String, Object> message(String role, String content) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", role);
        message.put("content", content);
        return message;
    }

    /** The text of a content, as the door joins text parts. */
    private static String text(Object content) {
        if (content instanceof String text) {
            return text;
        }
        List<String> parts = new ArrayList<>();
        ((List<?>) content).forEach(part -> parts.add((String) ((Map<?, ?>) part).get("text")));
        return String.join("\n", parts);
    }

    private static String lastUserText(List<Map<String, Object>> messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if ("user".equals(messages.get(i).get("role"))) {
                return text(messages.get(i).get("content"));
            }
        }
        return "";
    }

    private static void count(String outcome) {
        EndpointFuzzTest.count(outcome);
    }

    /** @param late whether it is checked after the conversation (blank, too long), which then answers first */
    private record Expected(int status, String code, boolean late) {

        Expected afterTheConversation() {
            return new Expected(status, code, true);
        }
    }
}
