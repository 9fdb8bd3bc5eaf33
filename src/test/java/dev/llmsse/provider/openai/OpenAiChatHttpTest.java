package dev.llmsse.provider.openai;

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

class OpenAiChatHttpTest extends ProviderHttpContract {

    @Override
    protected ChatProvider provider(String root) {
        return new OpenAiChatProvider(new ProviderSettings.OpenAi(root + "/v1", "sk-test-key", null, null,
                "max_completion_tokens"), HTTP);
    }

    @Override
    protected String contentType() {
        return "text/event-stream";
    }

    @Override
    protected Map<Path, Replay.Expectation> transcriptFolders() {
        Map<Path, Replay.Expectation> folders = new LinkedHashMap<>();
        folders.put(TestTranscripts.dir("openai"), Replay.OWN);
        folders.put(RecordedTranscripts.dir("openai"), OpenAiTranscriptReplayTest::expectedChat);
        return folders;
    }

    @Override
    protected String firstTokenOnly() {
        return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n";
    }

    @Override
    protected void assertRequestShape(FakeUpstream.Recorded request) {
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.uri()).isEqualTo("/v1/chat/completions");
        assertThat(request.headers().get("Authorization")).isEqualTo("Bearer sk-test-key");
        JsonNode body = WireJson.parse(request.body().getBytes());
        assertThat(body.path("model").asString()).isEqualTo("test-model");
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
        assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(64);
        assertThat(body.path("messages").path(0).path("role").asString()).isEqualTo("system");
        assertThat(body.path("messages").path(1).path("content").asString()).isEqualTo("hi");
    }
}
