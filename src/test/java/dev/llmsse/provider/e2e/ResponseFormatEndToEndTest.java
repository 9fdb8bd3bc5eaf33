package dev.llmsse.provider.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.testing.FakeUpstream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.client.WebClient;

import tools.jackson.databind.JsonNode;

/**
 * Structured output ({@code responseFormat: {type: "json_schema", schema}}) reaches each provider in its own
 * field, checked field by field on the body the local upstream received; through the OpenAI and Anthropic doors
 * too. A bad format is a 400 that says why, and nothing is sent upstream.
 */
class ResponseFormatEndToEndTest extends GatewayAgainstFakeUpstreams {

    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},"
            + "\"required\":[\"city\"],\"additionalProperties\":false}";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "openai/gpt-test | /v1/chat/completions | openai/text-crlf-usage-reasoning.sse | /response_format"
            + " | {\"type\":\"json_schema\",\"json_schema\":{\"name\":\"weather\",\"schema\":" + SCHEMA
            + ",\"strict\":true}}",
        "openai-responses/gpt-test | /v1/responses | openai-responses/text-reasoning-usage.sse | /text"
            + " | {\"format\":{\"type\":\"json_schema\",\"name\":\"weather\",\"schema\":" + SCHEMA
            + ",\"strict\":true}}",
        "anthropic/claude-test | /v1/messages | anthropic/thinking-signature-redacted.sse | /output_config"
            + " | {\"format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}}",
        "gemini/gemini-test | /v1beta/models/gemini-test:streamGenerateContent | gemini/text-thinking-usage-crlf.sse"
            + " | /generationConfig | {\"responseMimeType\":\"application/json\",\"responseJsonSchema\":" + SCHEMA + "}",
        "ollama/llama-test | /api/chat | ollama/thinking.ndjson | /format | " + SCHEMA})
    void eachProviderGetsTheSchemaInItsOwnField(String model, String path, String transcript, String pointer,
            String expected) {
        answerWith(path, transcript);

        List<Frame> frames = streamSession("{\"prompt\":\"weather?\",\"model\":\"" + model
                + "\",\"responseFormat\":{\"type\":\"json_schema\",\"name\":\"weather\",\"schema\":" + SCHEMA + "}}");

        assertThat(frames).anyMatch(Frame::terminal);
        assertThat(lastBodyTo(path).at(pointer)).isEqualTo(WireJson.parse(expected.getBytes()));
    }

    @Test
    void strictFalseAndNoNameReachOpenAiAsSaid() {
        answerWith("/v1/chat/completions", "openai/text-crlf-usage-reasoning.sse");

        streamSession("{\"prompt\":\"weather?\",\"model\":\"openai/gpt-test\","
                + "\"responseFormat\":{\"type\":\"json_schema\",\"strict\":false,\"schema\":" + SCHEMA + "}}");

        JsonNode format = lastBodyTo("/v1/chat/completions").path("response_format").path("json_schema");
        assertThat(format.path("name").asString()).isEqualTo("response");
        assertThat(format.path("strict").asBoolean(true)).isFalse();
    }

    @Test
    void theOpenAiDoorCarriesResponseFormatJsonSchema() {
        answerWith("/v1/chat/completions", "openai/text-crlf-usage-reasoning.sse");

        ResponseEntity<String> answer = post("/v1/chat/completions", "{\"model\":\"openai/gpt-test\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":\"weather?\"}],\"response_format\":{\"type\":\"json_schema\","
                + "\"json_schema\":{\"name\":\"weather\",\"strict\":true,\"schema\":" + SCHEMA + "}}}");

        assertThat(answer.getStatusCode().value()).isEqualTo(200);
        assertThat(lastBodyTo("/v1/chat/completions").path("response_format")).isEqualTo(WireJson.parse(
                ("{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"weather\",\"schema\":" + SCHEMA
                        + ",\"strict\":true}}").getBytes()));
    }

    @Test
    void theAnthropicDoorCarriesOutputConfigFormat() {
        answerWith("/v1/messages", "anthropic/thinking-signature-redacted.sse");

        ResponseEntity<String> answer = post("/v1/messages", "{\"model\":\"anthropic/claude-test\",\"max_tokens\":100,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"}],\"output_config\":{\"format\":"
                + "{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}}}");

        assertThat(answer.getStatusCode().value()).isEqualTo(200);
        assertThat(lastBodyTo("/v1/messages").path("output_config")).isEqualTo(WireJson.parse(
                ("{\"format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA + "}}").getBytes()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/api/sessions | {\"prompt\":\"hi\",\"model\":\"echo/echo\",\"responseFormat\":{\"type\":\"json_schema\","
            + "\"schema\":\"object\"}} | responseFormat.schema must be a JSON Schema object",
        "/api/sessions | {\"prompt\":\"hi\",\"model\":\"openai/gpt-test\",\"responseFormat\":{\"type\":\"json_schema\"}}"
            + " | responseFormat.schema must be a JSON Schema object",
        "/api/sessions | {\"prompt\":\"hi\",\"model\":\"openai/gpt-test\",\"responseFormat\":{\"type\":\"yaml\"}}"
            + " | responseFormat.type must be \"json_schema\" or \"text\"",
        "/api/sessions | {\"prompt\":\"hi\",\"model\":\"openai/gpt-test\",\"responseFormat\":[]}"
            + " | responseFormat must be an object {type: \"json_schema\", schema}",
        "/api/sessions | {\"prompt\":\"hi\",\"model\":\"openai/gpt-test\",\"responseFormat\":{\"type\":\"json_schema\","
            + "\"name\":\"a b\",\"schema\":{}}} | responseFormat.name must be 1 to 64 letters, digits, _ or -",
        "/api/sessions | {\"prompt\":\"hi\",\"model\":\"openai/gpt-test\",\"responseFormat\":{\"type\":\"json_schema\","
            + "\"strict\":\"yes\",\"schema\":{}}} | responseFormat.strict must be true or false",
        "/v1/chat/completions | {\"model\":\"openai/gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
            + "\"response_format\":{\"type\":\"json_object\"}} | (no JSON mode: send a schema)",
        "/v1/chat/completions | {\"model\":\"openai/gpt-test\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
            + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"schema\":[]}}}"
            + " | response_format.json_schema.schema must be a JSON Schema object",
        "/v1/messages | {\"model\":\"anthropic/claude-test\",\"max_tokens\":9,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"hi\"}],\"output_config\":{\"format\":{\"type\":\"json_schema\",\"schema\":1}}}"
            + " | output_config.format.schema must be a JSON Schema object",
        "/v1/messages | {\"model\":\"anthropic/claude-test\",\"max_tokens\":9,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"hi\"}],\"output_format\":{\"type\":\"xml\"}} | output_format.type: must be json_schema"})
    void aBadFormatIsA400ThatSaysWhyAndNothingGoesUpstream(String path, String body, String detail) {
        long before = UPSTREAM.requests().size();

        ResponseEntity<String> answer = post(path, body);

        assertThat(answer.getStatusCode().value()).isEqualTo(400);
        assertThat(answer.getBody().replace("\\\"", "\"")).contains(detail); // every door's shape, unescaped
        assertThat(UPSTREAM.requests()).hasSize((int) before);
    }

    private ResponseEntity<String> post(String path, String json) {
        return WebClient.create("http://127.0.0.1:" + port).post().uri(path)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json)
                .exchangeToMono(response -> response.toEntity(String.class)).block(Duration.ofSeconds(10));
    }
}
