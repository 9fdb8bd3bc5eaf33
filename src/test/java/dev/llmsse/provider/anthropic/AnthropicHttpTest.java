package dev.llmsse.provider.anthropic;

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

class AnthropicHttpTest extends ProviderHttpContract {

    @Override
    protected ChatProvider provider(String root) {
        return new AnthropicProvider(new ProviderSettings.Anthropic(root, "sk-ant-test", null, null, "2023-06-01",
                4096), HTTP);
    }

    @Override
    protected String contentType() {
        return "text/event-stream";
    }

    @Override
    protected Map<Path, Replay.Expectation> transcriptFolders() {
        Map<Path, Replay.Expectation> folders = new LinkedHashMap<>();
        folders.put(TestTranscripts.dir("anthropic"), Replay.OWN);
        folders.put(RecordedTranscripts.dir("anthropic"), AnthropicTranscriptReplayTest::expected);
        return folders;
    }

    @Override
    protected String firstTokenOnly() {
        return "event: content_block_delta\n"
                + "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n";
    }

    @Override
    protected void assertRequestShape(FakeUpstream.Recorded request) {
        assertThat(request.uri()).isEqualTo("/v1/messages");
        assertThat(request.headers().get("x-api-key")).isEqualTo("sk-ant-test");
        assertThat(request.headers().get("anthropic-version")).isEqualTo("2023-06-01");
        JsonNode body = WireJson.parse(request.body().getBytes());
        assertThat(body.path("model").asString()).isEqualTo("test-model");
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("system").asString()).isEqualTo("be brief");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(64);
        assertThat(body.path("messages").path(0).path("content").asString()).isEqualTo("hi");
    }
}
