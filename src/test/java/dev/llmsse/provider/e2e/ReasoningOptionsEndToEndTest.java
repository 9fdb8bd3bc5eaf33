package dev.llmsse.provider.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.testing.FakeUpstream;
import dev.llmsse.provider.testing.Replay;
import dev.llmsse.provider.testing.TestTranscripts;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

import tools.jackson.databind.JsonNode;

/**
 * The {@code reasoning} request option reaches each provider as its own field (checked on the body the
 * upstream received), and values that are wrong, or that the chosen provider cannot honour, are a 400 that
 * says why before anything is sent upstream.
 */
class ReasoningOptionsEndToEndTest extends GatewayAgainstFakeUpstreams {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "openai/gpt-test | /v1/chat/completions | openai/text-crlf-usage-reasoning.sse | {\"effort\":\"high\"}"
            + " | /reasoning_effort | \"high\"",
        "openai-responses/gpt-test | /v1/responses | openai-responses/text-reasoning-usage.sse | {\"effort\":\"low\"}"
            + " | /reasoning | {\"effort\":\"low\",\"summary\":\"auto\"}",
        "openai-responses/gpt-test | /v1/responses | openai-responses/text-reasoning-usage.sse"
            + " | {\"effort\":\"medium\",\"summary\":\"detailed\"} | /reasoning | {\"effort\":\"medium\",\"summary\":\"detailed\"}",
        "anthropic/claude-test | /v1/messages | anthropic/thinking-signature-redacted.sse | {\"effort\":\"medium\"}"
            + " | /thinking | {\"type\":\"enabled\",\"budget_tokens\":8192}",
        "anthropic/claude-test | /v1/messages | anthropic/thinking-signature-redacted.sse | {\"budgetTokens\":2000}"
            + " | /thinking | {\"type\":\"enabled\",\"budget_tokens\":2000}",
        "gemini/gemini-test | /v1beta/models/gemini-test:streamGenerateContent | gemini/text-thinking-usage-crlf.sse"
            + " | {\"effort\":\"high\"} | /generationConfig | {\"thinkingConfig\":{\"thinkingBudget\":24576,\"includeThoughts\":true}}",
        "ollama/llama-test | /api/chat | ollama/thinking.ndjson | {\"effort\":\"low\"} | /think | true"})
    void eachProviderGetsTheReasoningOptionInItsOwnField(String model, String path, String transcript,
            String reasoning, String pointer, String expected) {
        Path file = TestTranscripts.dir(transcript.substring(0, transcript.indexOf('/')))
                .resolve(transcript.substring(transcript.indexOf('/') + 1));
        String type = transcript.endsWith(".ndjson") ? "application/x-ndjson" : "text/event-stream";
        UPSTREAM.answer(byPath(Map.of(path, request -> FakeUpstream.Reply.stream(type,
                List.of(Replay.bytes(file))))));

        ResponseEntity<String> created = post("{\"prompt\":\"hi\",\"model\":\"" + model + "\",\"reasoning\":"
                + reasoning + "}");
        assertThat(created.getStatusCode().value()).isEqualTo(201);
        List<ServerSentEvent<String>> frames = WebClient.create("http://127.0.0.1:" + port).get()
                .uri(WireJson.parse(created.getBody().getBytes()).path("streamUrl").asString())
                .accept(MediaType.TEXT_EVENT_STREAM).retrieve()
                .bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .collectList().block(Duration.ofSeconds(20));

        assertThat(frames).anyMatch(frame -> frame.data() != null && frame.data().startsWith("{\"done\":true"));
        FakeUpstream.Recorded sent = UPSTREAM.requests().stream().filter(request -> request.uri().startsWith(path))
                .reduce((first, second) -> second).orElseThrow();
        assertThat(WireJson.parse(sent.body().getBytes()).at(pointer).toString()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "echo/echo | {\"effort\":\"extreme\"} | reasoning.effort must be low, medium or high",
        "echo/echo | {\"budgetTokens\":10} | reasoning.budgetTokens must be between 1024 and 131072",
        "echo/echo | {\"budgetTokens\":200000} | reasoning.budgetTokens must be between 1024 and 131072",
        "echo/echo | {\"effort\":\"low\",\"summary\":\"long\"} | reasoning.summary must be auto, concise or detailed",
        "echo/echo | {} | reasoning needs effort or budgetTokens",
        "echo/echo | \"high\" | ",
        "echo/echo | {\"effort\":7} | ",
        "openai/gpt-test | {\"budgetTokens\":4096} | OpenAI takes reasoning.effort, not a token budget",
        "openai/gpt-test | {\"effort\":\"low\",\"summary\":\"auto\"} | reasoning.summary is only for openai-responses",
        "anthropic/claude-test | {\"effort\":\"low\",\"summary\":\"auto\"} | reasoning.summary is only for openai-responses",
        "gemini/gemini-test | {\"effort\":\"low\",\"summary\":\"auto\"} | reasoning.summary is only for openai-responses",
        "ollama/llama-test | {\"effort\":\"low\",\"summary\":\"auto\"} | reasoning.summary is only for openai-responses",
        "smart | {\"budgetTokens\":4096} | openai: OpenAI takes reasoning.effort, not a token budget"})
    void badOrUnsupportedReasoningIsA400ThatSaysWhy(String model, String reasoning, String detail) {
        long before = UPSTREAM.requests().size();

        ResponseEntity<String> answer = post("{\"prompt\":\"hi\",\"model\":\"" + model + "\",\"reasoning\":"
                + reasoning + "}");

        assertThat(answer.getStatusCode().value()).isEqualTo(400);
        assertThat(answer.getHeaders().getContentType()).hasToString("application/problem+json");
        if (detail != null) {
            assertThat(WireJson.parse(answer.getBody().getBytes()).path("detail").asString()).endsWith(detail);
        }
        assertThat(UPSTREAM.requests()).hasSize((int) before);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"effort\":\"high\"},\"temperature\":0.5 | Anthropic takes no temperature with extended thinking",
        "{\"budgetTokens\":4096},\"maxTokens\":4096 | maxTokens must be above the thinking budget (4096)"})
    void anthropicRefusesWhatExtendedThinkingCannotTake(String rest, String detail) {
        ResponseEntity<String> answer = post("{\"prompt\":\"hi\",\"model\":\"anthropic/claude-test\",\"reasoning\":"
                + rest + "}");

        assertThat(answer.getStatusCode().value()).isEqualTo(400);
        assertThat(WireJson.parse(answer.getBody().getBytes()).path("detail").asString())
                .isEqualTo("reasoning is not possible with anthropic/claude-test: anthropic: " + detail);
    }

    private ResponseEntity<String> post(String json) {
        return WebClient.create("http://127.0.0.1:" + port).post().uri("/api/sessions")
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json)
                .exchangeToMono(response -> response.toEntity(String.class)).block(Duration.ofSeconds(10));
    }
}
