package dev.llmsse.session.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.LongStream;

import dev.llmsse.provider.testing.FakeUpstream;
import dev.llmsse.provider.testing.RecordedTranscripts;
import dev.llmsse.provider.testing.Replay;
import dev.llmsse.support.RawSseConnection;
import dev.llmsse.support.ReplicaPair;
import dev.llmsse.support.SseFrames;
import dev.llmsse.support.SseFrames.Frame;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 15, acceptance 3: a client cut in the middle of a reasoning block, or in the middle of a tool call's
 * arguments, resumes on the other replica (Redis store) with nothing lost or repeated. The provider is a local
 * upstream replaying a recording, paced so that the cut falls while replica A is still generating; the resumed
 * stream must equal, frame for frame, an answer to the same recording read without a cut.
 */
class ResumeMidBlockAcrossReplicasTest {

    private static final FakeUpstream UPSTREAM = FakeUpstream.start();
    private static ReplicaPair replicas;

    @BeforeAll
    static void startReplicas() {
        replicas = ReplicaPair.onRedis("5s", "gateway.providers.openai.base-url=" + UPSTREAM.url("/v1"),
                "gateway.providers.openai.api-key=sk-resume-test", "gateway.stream.idle-timeout=30s");
    }

    @AfterAll
    static void stopReplicas() {
        if (replicas != null) {
            replicas.close();
        }
        UPSTREAM.close();
    }

    @ParameterizedTest(name = "{0}, cut after {2} {1} frames")
    @CsvSource({
        "openai-responses/responses-reasoning-summary-large.sse, reasoning_delta, 5, openai-responses/gpt-test",
        "openai/chat-parallel-tool-calls.sse,                    tool_delta,      3, openai/gpt-test"})
    void aClientCutMidBlockOnAResumesOnBWithNothingLostOrRepeated(String transcript, String inside, int cutAfter,
            String model) throws Exception {
        List<byte[]> events = Replay.events(RecordedTranscripts.file(transcript));
        // About a second per answer, whatever the recording's length: the cut falls while A still generates.
        Duration pace = Duration.ofMillis(Math.max(1, 1000 / events.size()));
        UPSTREAM.answer(request -> FakeUpstream.Reply.stream("text/event-stream", events).paced(pace));
        List<Frame> whole = answer(model);

        String path = path(model);
        List<Frame> first;
        try (RawSseConnection onA = RawSseConnection.get(replicas.a().port(), path).readHeaders(Duration.ofSeconds(5))) {
            first = withIds(onA.readUntil(body -> count(withIds(body), inside) >= cutAfter));
        }
        first = first.subList(0, indexOfNth(first, inside, cutAfter) + 1);
        String blockEnd = inside.replace("_delta", "_end");
        assertThat(first).as("cut inside the block").extracting(Frame::event).doesNotContain(blockEnd);
        List<Frame> rest;
        try (RawSseConnection onB = RawSseConnection.get(replicas.b().port(), path,
                "Last-Event-ID: " + first.get(first.size() - 1).id()).readHeaders(Duration.ofSeconds(5))) {
            assertThat(onB.status()).isEqualTo(200);
            rest = withIds(onB.readToEnd());
        }

        List<Frame> all = new ArrayList<>(first);
        all.addAll(rest);
        assertThat(all.stream().map(Frame::seq).toList()).as("contiguous across both replicas, nothing twice")
                .isEqualTo(LongStream.rangeClosed(1, all.size()).boxed().toList());
        assertThat(eventsAndData(all)).isEqualTo(eventsAndData(whole));
        assertThat(rest).extracting(Frame::event).contains(blockEnd);
        assertThat(all.get(all.size() - 1).data()).startsWith("{\"done\":true");
    }

    /** The answer to the recording, read whole on A: what the cut and resumed one must equal. */
    private static List<Frame> answer(String model) throws Exception {
        try (RawSseConnection onA = RawSseConnection.get(replicas.a().port(), path(model))
                .readHeaders(Duration.ofSeconds(5))) {
            return withIds(onA.readToEnd());
        }
    }

    /** A new generation each time: the prompt is unique, so the same path with Last-Event-ID resumes it only. */
    private static String path(String model) {
        return "/api/llm?prompt=resume-" + UUID.randomUUID() + "&model=" + model;
    }

    private static List<String> eventsAndData(List<Frame> frames) {
        return frames.stream().map(frame -> frame.event() + " " + frame.data()).toList();
    }

    private static List<Frame> withIds(String body) {
        return SseFrames.parse(body).stream().filter(frame -> frame.id() != null).toList();
    }

    private static long count(List<Frame> frames, String event) {
        return frames.stream().filter(frame -> event.equals(frame.event())).count();
    }

    private static int indexOfNth(List<Frame> frames, String event, int nth) {
        int seen = 0;
        for (int i = 0; i < frames.size(); i++) {
            if (event.equals(frames.get(i).event()) && ++seen == nth) {
                return i;
            }
        }
        throw new AssertionError("fewer than " + nth + " " + event + " frames");
    }

}
