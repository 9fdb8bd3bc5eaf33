package dev.llmsse.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.llmsse.support.AnthropicStreamConformance;
import dev.llmsse.support.RawHttpClient.Request;

import org.springframework.http.MediaType;

import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 16: one fuzz case at the Anthropic-compatible door, for {@link EndpointFuzzTest}. Mostly a well-formed
 * Messages request with arbitrary text, turns, text blocks, system prompts and options, spoiled in at most one
 * place whose answer is known (a block or parameter the door refuses, a missing or wrong {@code max_tokens}, a
 * wrong JSON type, a blank or overlong conversation); else a hostile body or another route. Whatever comes in: no
 * 5xx, every error in Anthropic's shape (checked by the fuzz test's exchange), every stream well-formed as
 * Anthropic's clients read it, and where the answer is predictable its status, code, text and resume are checked.
 */
final class AnthropicFuzzCase {

    /** Sends a request and returns its checked response (the fuzz test's own exchange). */
    interface Exchange {
        EndpointFuzzTest.Response call(Request request) throws IOException;
    }

    private static final String PATH = "/v1/messages";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Values of the wrong JSON type for each field (no coercion: {@code "5"} is no number, {@code 1} no boolean). */
    private static final Map<String, List<Object>> WRONG_TYPES = Map.of(
            "stream", List.of("true", 1, List.of()),
            "max_tokens", List.of("5", true, 1.5, List.of()),
            "temperature", List.of("0.5", true, Map.of()),
            "model", List.of(5, true, List.of()),
            "messages", List.of("hi", true, 5, Map.of()));

    private final EndpointFuzzTest.Gen gen;
    private final Exchange exchange;
    private final int maxPromptChars;
    private final int maxBodyBytes;

    AnthropicFuzzCase(EndpointFuzzTest.Gen gen, Exchange exchange, int maxPromptChars, int maxBodyBytes) {
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
        for (int i = gen.random.nextInt(3); i > 0; i--) {
            messages.add(message(gen.pick("user", "assistant"), gen.text(60)));
        }
        String last = gen.random.nextInt(8) == 0 ? gen.text(maxPromptChars * 2) : gen.text(80);
        messages.add(message("user", gen.random.nextBoolean() ? last : blocks(last, gen.text(10))));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("messages", messages);
        body.put("max_tokens", 1 + gen.random.nextInt(1000));
        if (gen.random.nextBoolean()) {
            body.put("model", gen.pick("echo/echo", "echo/tiny", " echo/echo "));
        }
        if (gen.random.nextInt(3) == 0) {
            body.put("system", gen.random.nextBoolean() ? gen.text(40) : blocks(gen.text(20), gen.text(20)));
        }
        boolean stream = gen.random.nextBoolean();
        body.put("stream", stream);
        if (gen.random.nextInt(4) == 0) {
            body.put(gen.pick("metadata", "top_p", "top_k", "stop_sequences", "thinking", "service_tier"), gen.text(10));
        }
        Expected spoiled = spoil(body, messages);
        @SuppressWarnings("unchecked")
        Map<String, Object> sent = (Map<String, Object>) EndpointFuzzTest.Gen.wellFormed(body);
        byte[] bytes = JSON.writeValueAsBytes(sent);
        EndpointFuzzTest.Response response = exchange.call(post(bytes));
        Expected expected = expected(spoiled, sent, bytes.length);
        response.assertStatus(expected.status());
        if (expected.status() != 200) {
            assertThat(response.anthropicError().path("code").asString()).as(response.toString())
                    .isEqualTo(expected.code());
            count("anthropic " + expected.code());
            return;
        }
        @SuppressWarnings("unchecked")
        String answer = "You said: " + lastUserText((List<Map<String, Object>>) sent.get("messages"));
        if (stream) {
            streamed(response, answer, bytes);
        } else {
            assertThat(response.json(MediaType.APPLICATION_JSON).path("content").path(0).path("text").asString())
                    .as(response.toString()).isEqualTo(answer);
            count("anthropic json");
        }
    }

    /** At most one place spoiled; the answer it must get, or null when the request stays valid. */
    private Expected spoil(Map<String, Object> body, List<Map<String, Object>> messages) {
        return switch (gen.random.nextInt(14)) {
            // Tools are checked after the conversation, as every door does.
            case 0 -> spoiled(body, "tools", List.of(gen.pick(Map.of("type", "web_search_20250305", "name", "s"),
                    Map.of("name", "f", "input_schema", List.of()), Map.of("name", "bad name"))), "bad_request").late();
            case 1 -> spoiled(body, "tool_choice", Map.of("type", gen.pick("any", "tool")), "bad_request").late();
            case 2 -> {
                body.remove("max_tokens");
                yield gen.random.nextBoolean() ? new Expected(400, "bad_request", false)
                        : spoiled(body, "max_tokens", gen.pick(0, -1, 32769), "bad_request");
            }
            case 3 -> {
                String key = gen.pick("stream", "max_tokens", "temperature", "model", "messages");
                List<Object> wrong = WRONG_TYPES.get(key);
                yield spoiled(body, key, wrong.get(gen.random.nextInt(wrong.size())), "bad_request");
            }
            case 4 -> {
                messages.add(0, message(gen.pick("system", "tool", "robot", "", "USER"), "x"));
                yield new Expected(400, "bad_request", false);
            }
            case 5 -> {
                messages.get(0).put("content", List.of(Map.of("type",
                        gen.pick("image", "document", "tool_use", "tool_result", "search_result"))));
                yield new Expected(400, "bad_request", false);
            }
            case 6 -> spoiled(body, "system", gen.pick(5, true, Map.of("text", "x")), "bad_request");
            // Checked after the conversation: a blank or overlong one is answered first.
            case 7 -> spoiled(body, "model", gen.pick("nope/x", "echo", "echo/other"), "unknown_model").late();
            case 8 -> spoiled(body, "temperature", gen.pick(-0.5, 2.5, 100.0), "bad_request").late();
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
        if (spoiled != null && !spoiled.checkedLate()) {
            return spoiled;
        }
        Expected conversation = outcomeOf(text(sent.get("system")), (List<Map<String, Object>>) sent.get("messages"));
        return spoiled != null && conversation.status() == 200 ? spoiled : conversation;
    }

    /** What a valid request gets: checks run blank conversation first, then its length (the system prompt counts). */
    private Expected outcomeOf(String system, List<Map<String, Object>> messages) {
        long chars = system.length();
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

    private void streamed(EndpointFuzzTest.Response response, String answer, byte[] sent) throws IOException {
        AnthropicStreamConformance.Stream stream = response.anthropicStream();
        if (stream.done()) {
            assertThat(stream.text()).as(response.toString()).isEqualTo(answer);
            count("anthropic stream done");
        } else {
            // Only the event cap ends an echo early; the text so far is a prefix of the answer.
            assertThat(stream.error().path("code").asString()).as(response.toString()).isEqualTo("too_long");
            assertThat(answer).as(response.toString()).startsWith(stream.text());
            count("anthropic stream error too_long");
        }
        if (gen.random.nextBoolean() && stream.ids().size() > 1) {
            String from = stream.ids().get(gen.random.nextInt(stream.ids().size() - 1));
            EndpointFuzzTest.Response resumed = exchange.call(post(sent).header("Last-Event-ID", from));
            resumed.assertStatus(200);
            AnthropicStreamConformance.Stream joined = AnthropicStreamConformance.assertContinues(stream, from,
                    resumed.body());
            assertThat(joined.text()).as(resumed.toString()).isEqualTo(stream.text());
            count("anthropic resume rest");
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
            response.anthropicStream();
        } else if (response.status() == 200) {
            assertThat(response.json(MediaType.APPLICATION_JSON).path("type").asString()).isEqualTo("message");
        }
    }

    private void otherRoutes() throws IOException {
        switch (gen.random.nextInt(3)) {
            case 0 -> exchange.call(Request.get(gen.spell(PATH))).assertStatus(405);
            case 1 -> exchange.call(Request.post(gen.spell(PATH) + "/" + gen.pick("count_tokens", "batches"),
                    "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)).header("Content-Type", "application/json"))
                    .assertStatus(404);
            default -> exchange.call(Request.get(PATH + "/" + EndpointFuzzTest.encode(gen.text(20))))
                    .assertStatusIn(400, 404, 405);
        }
    }

    private Request post(byte[] body) {
        return Request.post(gen.spell(PATH), body).header("Content-Type", "application/json");
    }

    private static Map<String, Object> message(String role, Object content) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("role", role);
        message.put("content", content);
        return message;
    }

    private static List<Map<String, Object>> blocks(String... texts) {
        List<Map<String, Object>> blocks = new ArrayList<>();
        for (String text : texts) {
            blocks.add(Map.of("type", "text", "text", text));
        }
        return blocks;
    }

    /** The text of a content or system prompt, as the door joins text blocks; absent is empty. */
    private static String text(Object content) {
        if (content == null) {
            return "";
        }
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

    /** @param checkedLate whether it is checked after the conversation (blank, too long), which then answers first */
    private record Expected(int status, String code, boolean checkedLate) {

        Expected late() {
            return new Expected(status, code, true);
        }
    }
}
