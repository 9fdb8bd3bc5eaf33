package dev.llmsse.provider.e2e;

import static dev.llmsse.provider.e2e.KeptReasoningTest.ANTHROPIC_TURN;
import static dev.llmsse.provider.e2e.KeptReasoningTest.GEMINI_TURN;
import static dev.llmsse.provider.e2e.KeptReasoningTest.RESULT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import dev.llmsse.provider.WireJson;
import dev.llmsse.provider.e2e.GatewayAgainstFakeUpstreams.Frame;
import dev.llmsse.provider.testing.FakeUpstream;
import dev.llmsse.provider.testing.Replay;
import dev.llmsse.provider.testing.TestTranscripts;
import dev.llmsse.support.RealRedis;
import dev.llmsse.support.Replica;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/**
 * Two replicas on one real Redis ({@code gateway.store=redis}): turn 1 runs on A, turn 2 on B, and B finds the
 * reasoning state A kept, so the provider gets its signature back whichever replica the next turn lands on.
 */
class KeptReasoningAcrossReplicasTest {

    private static final FakeUpstream UPSTREAM = FakeUpstream.start();
    private static Replica a;
    private static Replica b;

    @BeforeAll
    static void start() {
        RealRedis.require();
        String prefix = "llmsse-test-" + UUID.randomUUID();
        String[] settings = {"gateway.providers.anthropic.base-url=" + UPSTREAM.url(""),
            "gateway.providers.anthropic.api-key=sk-ant-replicas", "gateway.providers.gemini.base-url=" + UPSTREAM.url(""),
            "gateway.providers.gemini.api-key=AIza-replicas"};
        a = Replica.start(prefix, settings);
        b = Replica.start(prefix, settings);
        UPSTREAM.answer(request -> FakeUpstream.Reply.stream("text/event-stream", List.of(Replay.bytes(
                request.uri().startsWith("/v1/messages")
                        ? (request.body().contains(RESULT) ? TestTranscripts.dir("anthropic")
                                .resolve("text-with-thinking-crlf.sse") : ANTHROPIC_TURN)
                        : (request.body().contains(RESULT) ? TestTranscripts.dir("gemini")
                                .resolve("text-thinking-usage-crlf.sse") : GEMINI_TURN)))));
    }

    @AfterAll
    static void stop() {
        if (b != null) {
            b.close();
        }
        if (a != null) {
            a.close();
        }
        UPSTREAM.close();
    }

    @Test
    void theNextTurnOnAnotherReplicaGivesAnthropicItsThinkingBack() {
        List<Frame> turn1 = GatewayAgainstFakeUpstreams.streamSession(a.url(),
                KeptReasoningTest.turn("anthropic/claude-test", List.of(KeptReasoningTest.user())));
        String id = KeptReasoningTest.toolId(turn1);
        KeptReasoningTest.assertNoSecretIn(turn1, KeptReasoningTest.SIGNATURE, KeptReasoningTest.REDACTED);

        GatewayAgainstFakeUpstreams.streamSession(b.url(), KeptReasoningTest.turn("anthropic/claude-test",
                List.of(KeptReasoningTest.user(), KeptReasoningTest.calling(id, "get_weather", "{\"city\": \"Paris\"}"),
                        KeptReasoningTest.result(id))));

        KeptReasoningTest.assertAnthropicTurnTwo(lastBodyTo("/v1/messages"), id);
    }

    @Test
    void theNextTurnOnAnotherReplicaGivesGeminiItsSignatureBack() {
        List<Frame> turn1 = GatewayAgainstFakeUpstreams.streamSession(a.url(),
                KeptReasoningTest.turn("gemini/gemini-test", List.of(KeptReasoningTest.user())));
        String id = KeptReasoningTest.toolId(turn1);

        GatewayAgainstFakeUpstreams.streamSession(b.url(), KeptReasoningTest.turn("gemini/gemini-test",
                List.of(KeptReasoningTest.user(), KeptReasoningTest.calling("", id, "now", "{}"),
                        KeptReasoningTest.result(id))));

        JsonNode part = lastBodyTo("/v1beta/").path("contents").path(1).path("parts").path(0);
        assertThat(part.path("functionCall").path("name").asString()).isEqualTo("now");
        assertThat(part.path("thoughtSignature").asString()).isEqualTo(KeptReasoningTest.geminiSignature());
    }

    private static JsonNode lastBodyTo(String path) {
        List<FakeUpstream.Recorded> sent = UPSTREAM.requests().stream()
                .filter(request -> request.uri().startsWith(path)).toList();
        return WireJson.parse(sent.get(sent.size() - 1).body().getBytes(StandardCharsets.UTF_8));
    }
}
