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
 * Images in a user turn ({@code content: [{type: "text"}, {type: "image", url}]}) reach each provider in its own
 * shape, checked field by field on the body the local upstream received, through our protocol and the doors. Bad
 * images (an {@code http:} or private-address URL, a data URL that is no image or too large, an image to a
 * text-only model) are 400 or 413 problems, and nothing is sent upstream.
 */
class ImagesEndToEndTest extends GatewayAgainstFakeUpstreams {

    /** A 1x1 PNG. */
    private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    private static final String DATA_URL = "data:image/png;base64," + PNG;
    private static final String HTTPS_URL = "https://images.example.com/cat.png";
    private static final String TEXT = "what is this?";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "openai/gpt-test | https | /v1/chat/completions | openai/text-crlf-usage-reasoning.sse | /messages/0/content"
            + " | [{\"type\":\"text\",\"text\":\"TEXT\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"URL\"}}]",
        "openai/gpt-test | data | /v1/chat/completions | openai/text-crlf-usage-reasoning.sse | /messages/0/content"
            + " | [{\"type\":\"text\",\"text\":\"TEXT\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"URL\"}}]",
        "openai-responses/gpt-test | https | /v1/responses | openai-responses/text-reasoning-usage.sse"
            + " | /input/0 | {\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"TEXT\"},"
            + "{\"type\":\"input_image\",\"image_url\":\"URL\"}]}",
        "anthropic/claude-test | https | /v1/messages | anthropic/thinking-signature-redacted.sse | /messages/0"
            + " | {\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"TEXT\"},"
            + "{\"type\":\"image\",\"source\":{\"type\":\"url\",\"url\":\"URL\"}}]}",
        "anthropic/claude-test | data | /v1/messages | anthropic/thinking-signature-redacted.sse | /messages/0/content/1"
            + " | {\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"PNG\"}}",
        "gemini/gemini-test | https | /v1beta/models/gemini-test:streamGenerateContent"
            + " | gemini/text-thinking-usage-crlf.sse | /contents/0 | {\"role\":\"user\",\"parts\":[{\"text\":\"TEXT\"},"
            + "{\"fileData\":{\"fileUri\":\"URL\",\"mimeType\":\"image/png\"}}]}",
        "gemini/gemini-test | data | /v1beta/models/gemini-test:streamGenerateContent"
            + " | gemini/text-thinking-usage-crlf.sse | /contents/0/parts/1"
            + " | {\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"PNG\"}}",
        "ollama/llama-test | data | /api/chat | ollama/thinking.ndjson | /messages/0"
            + " | {\"role\":\"user\",\"content\":\"TEXT\",\"images\":[\"PNG\"]}"})
    void eachProviderGetsTheImageInItsOwnShape(String model, String kind, String path, String transcript,
            String pointer, String expected) {
        answerWith(path, transcript);
        String url = "https".equals(kind) ? HTTPS_URL : DATA_URL;

        List<Frame> frames = streamSession(sessionBody(model, url));

        assertThat(frames).anyMatch(Frame::terminal);
        assertThat(lastBodyTo(path).at(pointer)).isEqualTo(WireJson.parse(expected.replace("TEXT", TEXT)
                .replace("URL", url).replace("PNG", PNG).getBytes()));
    }

    @Test
    void echoAcceptsAnImageAndEchoesTheText() {
        assertThat(text(streamSession(sessionBody("echo/echo", DATA_URL)))).contains(TEXT);
    }

    @Test
    void aBodyOverMaxBodyBytesIsAcceptedForItsImageOnly() {
        String image = "data:image/png;base64," + "A".repeat(400_000); // over the 256 KiB max-body-bytes
        assertThat(post("/api/sessions", sessionBody("echo/echo", image)).getStatusCode().value()).isEqualTo(201);

        String tool = "{\"name\":\"f\",\"description\":\"" + "d".repeat(400_000) + "\"}";
        ResponseEntity<String> noImage = post("/api/sessions", "{\"prompt\":\"hi\",\"model\":\"echo/echo\","
                + "\"tools\":[" + tool + "]}");
        assertThat(noImage.getStatusCode().value()).isEqualTo(413);
        assertThat(noImage.getBody()).contains("too_large");
    }

    @Test
    void theOpenAiDoorCarriesImageUrlParts() {
        answerWith("/v1/chat/completions", "openai/text-crlf-usage-reasoning.sse");
        String parts = "[{\"type\":\"text\",\"text\":\"" + TEXT + "\"},{\"type\":\"image_url\",\"image_url\":"
                + "{\"url\":\"" + HTTPS_URL + "\"}}]";

        ResponseEntity<String> answer = post("/v1/chat/completions", "{\"model\":\"openai/gpt-test\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":" + parts + "}]}");

        assertThat(answer.getStatusCode().value()).isEqualTo(200);
        assertThat(lastBodyTo("/v1/chat/completions").at("/messages/0/content")).isEqualTo(WireJson.parse(parts.getBytes()));
    }

    @Test
    void theAnthropicDoorCarriesImageBlocks() {
        answerWith("/v1/messages", "anthropic/thinking-signature-redacted.sse");
        String blocks = "[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\""
                + PNG + "\"}},{\"type\":\"text\",\"text\":\"" + TEXT + "\"}]";

        ResponseEntity<String> answer = post("/v1/messages", "{\"model\":\"anthropic/claude-test\",\"max_tokens\":99,"
                + "\"messages\":[{\"role\":\"user\",\"content\":" + blocks + "}]}");

        assertThat(answer.getStatusCode().value()).isEqualTo(200);
        assertThat(lastBodyTo("/v1/messages").at("/messages/0/content")).isEqualTo(WireJson.parse(blocks.getBytes()));
    }

    @Test
    void theAiSdkDoorCarriesImageFileParts() {
        answerWith("/v1/chat/completions", "openai/text-crlf-usage-reasoning.sse");

        ResponseEntity<String> answer = post("/api/chat", "{\"id\":\"chat-images\",\"model\":\"openai/gpt-test\","
                + "\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"" + TEXT + "\"},"
                + "{\"type\":\"file\",\"mediaType\":\"image/png\",\"url\":\"" + DATA_URL + "\"}]}]}");

        assertThat(answer.getStatusCode().value()).isEqualTo(200);
        assertThat(lastBodyTo("/v1/chat/completions").at("/messages/0/content/1/image_url/url").asString())
                .isEqualTo(DATA_URL);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "openai/gpt-test | http://images.example.com/cat.png | 400 | an image url must be https: or data:",
        "openai/gpt-test | ftp://images.example.com/cat.png | 400 | an image url must be https: or data:",
        "openai/gpt-test | https://127.0.0.1/cat.png | 400 | must name a public host",
        "openai/gpt-test | https://10.1.2.3/cat.png | 400 | must name a public host",
        "openai/gpt-test | https://192.168.0.1/cat.png | 400 | must name a public host",
        "openai/gpt-test | https://169.254.169.254/latest/meta-data | 400 | must name a public host",
        "openai/gpt-test | https://100.64.0.1/cat.png | 400 | must name a public host",
        "openai/gpt-test | https://[::1]/cat.png | 400 | must name a public host",
        "openai/gpt-test | https://[fd00::1]/cat.png | 400 | must name a public host",
        "openai/gpt-test | https://[::ffff:10.0.0.1]/cat.png | 400 | must name a public host",
        "openai/gpt-test | https://localhost/cat.png | 400 | must name a public host",
        "openai/gpt-test | https://printer.localhost./cat.png | 400 | must name a public host",
        "openai/gpt-test | https://2130706433/cat.png | 400 | must name a public host",
        "openai/gpt-test | https://0x7f.1/cat.png | 400 | must name a public host",
        "openai/gpt-test | data:text/plain;base64,aGk= | 400 | a data: image must be data:image/png",
        "openai/gpt-test | data:image/svg+xml;base64,aGk= | 400 | a data: image must be data:image/png",
        "openai/gpt-test | data:image/png;base64,@@@@ | 400 | a data: image must be base64",
        "ollama/text-only | DATA | 400 | ollama/text-only takes text only (gateway.limits.text-only-models)",
        "openai/gpt-3.5-turbo | DATA | 400 | openai/gpt-3.5-turbo takes text only",
        "ollama/llama-test | https://images.example.com/cat.png | 400 | Ollama takes images only as data: URLs"})
    void aBadImageIsRefusedAndNothingGoesUpstream(String model, String url, int status, String detail) {
        long before = UPSTREAM.requests().size();

        ResponseEntity<String> answer = post("/api/sessions", sessionBody(model, url.replace("DATA", DATA_URL)));

        assertThat(answer.getStatusCode().value()).isEqualTo(status);
        assertThat(answer.getHeaders().getContentType()).hasToString("application/problem+json");
        assertThat(WireJson.parse(answer.getBody().getBytes()).path("detail").asString()).contains(detail);
        assertThat(UPSTREAM.requests()).hasSize((int) before);
    }

    @Test
    void aTenMegabyteDataUrlIsA413AndNothingGoesUpstream() {
        long before = UPSTREAM.requests().size();

        ResponseEntity<String> answer = post("/api/sessions", sessionBody("openai/gpt-test",
                "data:image/png;base64," + "A".repeat(10 * 1024 * 1024)));

        assertThat(answer.getStatusCode().value()).isEqualTo(413);
        assertThat(WireJson.parse(answer.getBody().getBytes()).path("detail").asString())
                .isEqualTo("an image is larger than 5242880 bytes");
        assertThat(UPSTREAM.requests()).hasSize((int) before);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "[{\"role\":\"assistant\",\"content\":[{\"type\":\"image\",\"url\":\"URL\"}]},{\"role\":\"user\",\"content\":\"hi\"}]"
            + " | images are accepted in user messages only",
        "[{\"role\":\"user\",\"content\":[{\"type\":\"audio\",\"url\":\"URL\"}]}]"
            + " | a content part must be {type: \"text\", text} or {type: \"image\", url}",
        "[{\"role\":\"user\",\"content\":[{\"type\":\"image\"}]}]"
            + " | a content part must be {type: \"text\", text} or {type: \"image\", url}",
        "[{\"role\":\"user\",\"content\":5}] | a message's content must be a string or a list of parts"})
    void partsOfAnotherShapeAreA400(String messages, String detail) {
        long before = UPSTREAM.requests().size();

        ResponseEntity<String> answer = post("/api/sessions", "{\"model\":\"openai/gpt-test\",\"messages\":"
                + messages.replace("URL", HTTPS_URL) + "}");

        assertThat(answer.getStatusCode().value()).isEqualTo(400);
        assertThat(WireJson.parse(answer.getBody().getBytes()).path("detail").asString()).isEqualTo(detail);
        assertThat(UPSTREAM.requests()).hasSize((int) before);
    }

    private static String sessionBody(String model, String url) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\""
                + TEXT + "\"},{\"type\":\"image\",\"url\":\"" + url + "\"}]}]}";
    }

    private ResponseEntity<String> post(String path, String json) {
        return WebClient.builder().codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024)).build()
                .post().uri("http://127.0.0.1:" + port + path)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(json)
                .exchangeToMono(response -> response.toEntity(String.class)).block(Duration.ofSeconds(20));
    }
}
