package dev.llmsse.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.llmsse.provider.ChatProvider;
import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.testing.FakeUpstream;
import dev.llmsse.provider.testing.ProviderHttpContract;
import dev.llmsse.provider.testing.RecordedTranscripts;
import dev.llmsse.provider.testing.Replay;
import dev.llmsse.provider.testing.TestTranscripts;

import tools.jackson.databind.JsonNode;

class OpenAiResponsesHttpTest extends ProviderHttpContract {

    @Override
    protected ChatProvider provider(String root) {
        return new OpenAiResponsesProvider(root + "/v1", "sk-test-key", null, HTTP);
    }

    @Override
    protected String contentType() {
        return "text/event-stream";
    }

    @Override
    protected Map<Path, Replay.Expectation> transcriptFolders() {
        Map<Path, Replay.Expectation> folders = new LinkedHashMap<>();
        folders.put(TestTranscripts.dir("openai-responses"), Replay.OWN);
        folders.put(RecordedTranscripts.dir("openai-responses"),
                OpenAiTranscriptReplayTest::expectedResponses);
        return folders;
    }

    @Override
    protected String firstTokenOnly() {
        return "event: response.output_text.delta\n"
                + "data: {\"type\":\"response.output_text.delta\",\"output_index\":0,\"delta\":\"Hi\"}\n\n";
    }

    @Override
    protected void assertRequestShape(FakeUpstream.Recorded request) {
        assertThat(request.uri()).isEqualTo("/v1/responses");
        assertThat(request.headers().get("Authorization")).isEqualTo("Bearer sk-test-key");
        JsonNode body = WireJson.parse(request.body().getBytes());
        assertThat(body.path("model").asString()).isEqualTo("test-model");
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("instructions").asString()).isEqualTo("be brief");
        assertThat(body.path("max_output_tokens").asInt()).isEqualTo(64);
        assertThat(body.path("input").path(0).path("content").asString()).isEqualTo("hi");
    }
}
