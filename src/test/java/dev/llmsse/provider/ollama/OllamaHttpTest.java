package dev.llmsse.provider.ollama;

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

class OllamaHttpTest extends ProviderHttpContract {

    @Override
    protected ChatProvider provider(String root) {
        return new OllamaProvider(new ProviderSettings.Ollama(root, null, null), HTTP);
    }

    @Override
    protected String contentType() {
        return "application/x-ndjson";
    }

    @Override
    protected Map<Path, Replay.Expectation> transcriptFolders() {
        Map<Path, Replay.Expectation> folders = new LinkedHashMap<>();
        folders.put(TestTranscripts.dir("ollama"), Replay.OWN);
        folders.put(RecordedTranscripts.dir("ollama"), OllamaTranscriptReplayTest::expected);
        return folders;
    }

    @Override
    protected String firstTokenOnly() {
        return "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":false}\n";
    }

    @Override
    protected void assertRequestShape(FakeUpstream.Recorded request) {
        assertThat(request.uri()).isEqualTo("/api/chat");
        assertThat(request.headers()).doesNotContainKey("Authorization");
        JsonNode body = WireJson.parse(request.body().getBytes());
        assertThat(body.path("model").asString()).isEqualTo("test-model");
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("messages").path(0).path("role").asString()).isEqualTo("system");
        assertThat(body.path("options").path("num_predict").asInt()).isEqualTo(64);
    }
}
