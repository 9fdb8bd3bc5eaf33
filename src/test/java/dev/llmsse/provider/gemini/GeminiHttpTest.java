package dev.llmsse.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.llmsse.config.ProviderSettings;
import dev.llmsse.provider.ChatProvider;
import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.testing.FakeUpstream;
import dev.llmsse.provider.testing.ProviderHttpContract;
import dev.llmsse.provider.testing.RecordedTranscripts;
import dev.llmsse.provider.testing.Replay;
import dev.llmsse.provider.testing.TestTranscripts;

import tools.jackson.databind.JsonNode;

class GeminiHttpTest extends ProviderHttpContract {

    @Override
    protected ChatProvider provider(String root) {
        return new GeminiProvider(new ProviderSettings.Gemini(root, "AIza-test", null, null), HTTP);
    }

    @Override
    protected String contentType() {
        return "text/event-stream";
    }

    @Override
    protected Map<Path, Replay.Expectation> transcriptFolders() {
        Map<Path, Replay.Expectation> folders = new LinkedHashMap<>();
        folders.put(TestTranscripts.dir("gemini"), Replay.OWN);
        folders.put(RecordedTranscripts.dir("gemini"), GeminiTranscriptReplayTest::expected);
        return folders;
    }

    @Override
    protected String firstTokenOnly() {
        return "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Hi\"}]}}]}\r\n\r\n";
    }

    @Override
    protected void assertRequestShape(FakeUpstream.Recorded request) {
        assertThat(request.uri()).isEqualTo("/v1beta/models/test-model:streamGenerateContent?alt=sse");
        assertThat(request.headers().get("x-goog-api-key")).isEqualTo("AIza-test");
        JsonNode body = WireJson.parse(request.body().getBytes());
        assertThat(body.path("contents").path(0).path("role").asString()).isEqualTo("user");
        assertThat(body.path("contents").path(0).path("parts").path(0).path("text").asString()).isEqualTo("hi");
        assertThat(body.path("systemInstruction").path("parts").path(0).path("text").asString())
                .isEqualTo("be brief");
        assertThat(body.path("generationConfig").path("maxOutputTokens").asInt()).isEqualTo(64);
    }
}
