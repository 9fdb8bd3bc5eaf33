package dev.llmsse.provider.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.llmsse.chat.ChatMessage;
import dev.llmsse.chat.ChatRequest;
import dev.llmsse.chat.ProviderException;
import dev.llmsse.chat.StreamEvent;
import dev.llmsse.provider.ChatProvider;
import dev.llmsse.provider.UpstreamHttp;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import reactor.core.Disposable;

/**
 * What every adapter must do against a real HTTP server on loopback: replay each transcript with random
 * chunking and pacing, close the connection when cancelled, map HTTP errors, and report a cut connection
 * as a truncation. Each provider's test extends this with its wire details.
 */
public abstract class ProviderHttpContract {

    protected static final FakeUpstream UPSTREAM = FakeUpstream.start();
    protected static final UpstreamHttp HTTP = new UpstreamHttp(TestProperties.bind(Map.of()));
    protected static final ChatRequest REQUEST = new ChatRequest("test-model",
            List.of(new ChatMessage("user", "hi")), "be brief", 64, 0.5);

    /** The adapter under test, pointed at a server root such as {@code http://127.0.0.1:1234}. */
    protected abstract ChatProvider provider(String root);

    /** The adapter under test, pointed at {@link #UPSTREAM}. */
    protected ChatProvider provider() {
        return provider(UPSTREAM.url(""));
    }

    /** The response content type the provider streams with. */
    protected abstract String contentType();

    /** Folders of transcripts ({@code .sse} or {@code .ndjson}) with how to read each's expected.json. */
    protected abstract Map<Path, Replay.Expectation> transcriptFolders();

    /** Bytes that make the adapter emit exactly one token, "Hi", and nothing terminal. */
    protected abstract String firstTokenOnly();

    /** Checks path, headers and body of the request the adapter sent. */
    protected abstract void assertRequestShape(FakeUpstream.Recorded request);

    protected String extension() {
        return "application/x-ndjson".equals(contentType()) ? "ndjson" : "sse";
    }

    @TestFactory
    Stream<DynamicTest> transcriptsReplayOverHttpWithRandomChunkingAndPacing() {
        List<DynamicTest> tests = new ArrayList<>();
        transcriptFolders().forEach((folder, expected) -> Replay.transcripts(folder, extension()).forEach(file ->
                tests.add(DynamicTest.dynamicTest(file.getFileName().toString(), () -> replayOverHttp(file,
                        Replay.expected(file, expected))))));
        return tests.stream();
    }

    private void replayOverHttp(Path file, Reconstructed expected) {
        byte[] body = Replay.bytes(file);
        Random random = new Random(body.length);
        List<List<byte[]>> chunkings = new ArrayList<>();
        chunkings.add(List.of(body));
        int[] offsets = Chunkings.interestingOffsets(body, 0, 4, random);
        for (int offset : offsets) {
            chunkings.add(Chunkings.splitAt(body, offset));
        }
        // One response cut at every UTF-8 boundary, between every CR and LF and around every line end at once.
        chunkings.add(Chunkings.cutAt(body, Chunkings.interestingOffsets(body, 0, Integer.MAX_VALUE, random)));
        for (int i = 0; i < 3; i++) {
            chunkings.add(Chunkings.random(body, random, Math.max(8, body.length / 60)));
        }
        for (List<byte[]> chunks : chunkings) {
            FakeUpstream.Reply reply = FakeUpstream.Reply.stream(contentType(), chunks)
                    .paced(chunks.size() > 2 && chunks.size() <= 200 ? Duration.ofMillis(1) : Duration.ZERO);
            UPSTREAM.answer(request -> reply);
            assertThat(Reconstructed.of(provider().stream(REQUEST).materialize().collectList()
                    .block(Duration.ofSeconds(20)))).as("%d chunks", chunks.size()).isEqualTo(expected);
            assertThat(UPSTREAM.requests()).hasSize(1);
        }
    }

    @Test
    void sendsTheDocumentedRequest() {
        UPSTREAM.answer(request -> FakeUpstream.Reply.status(500, "{}", Map.of()));
        provider().stream(REQUEST).onErrorComplete().blockLast(Duration.ofSeconds(10));
        assertThat(UPSTREAM.requests()).hasSize(1);
        assertRequestShape(UPSTREAM.requests().get(0));
    }

    @Test
    void cancellingClosesTheUpstreamConnectionWithinOneSecond() {
        UPSTREAM.answer(request -> FakeUpstream.Reply.stream(contentType(),
                List.of(Chunkings.utf8(firstTokenOnly()))).heldOpen());
        List<StreamEvent> received = new CopyOnWriteArrayList<>();
        Disposable subscription = provider().stream(REQUEST).subscribe(received::add);
        await().atMost(5, TimeUnit.SECONDS).until(() -> !received.isEmpty());
        assertThat(received).containsExactly(new StreamEvent.Token("Hi"));
        FakeUpstream.Recorded request = UPSTREAM.requests().get(0);
        assertThat(request.closed()).isNotDone();

        subscription.dispose();

        await().atMost(1, TimeUnit.SECONDS).until(() -> request.closed().isDone());
    }

    @Test
    void aConnectionCutMidStreamIsARetryableTruncation() {
        UPSTREAM.answer(request -> new FakeUpstream.Reply(200, Map.of("Content-Type", contentType()),
                List.of(Chunkings.utf8(firstTokenOnly())), Duration.ZERO, false, true));
        Reconstructed result = Reconstructed.of(provider().stream(REQUEST).materialize().collectList()
                .block(Duration.ofSeconds(10)));
        assertThat(result.text()).isEqualTo("Hi");
        assertThat(result.outcome()).isEqualTo("error:truncated");
    }

    @Test
    void aRefusedConnectionIsRetryable() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Throwable error = provider("http://127.0.0.1:" + closedPort).stream(REQUEST).materialize()
                .blockLast(Duration.ofSeconds(10)).getThrowable();
        assertThat(error).isInstanceOfSatisfying(ProviderException.class, provider -> {
            assertThat(provider.code()).isEqualTo("upstream_unavailable");
            assertThat(provider.retryable()).isTrue();
        });
    }

    @Test
    void httpErrorsAreMappedAtTheEdge() {
        assertStatus(401, Map.of(), "auth", false);
        assertStatus(403, Map.of(), "auth", false);
        assertStatus(404, Map.of(), "bad_request", false);
        assertStatus(400, Map.of(), "bad_request", false);
        ProviderException limited = assertStatus(429, Map.of("Retry-After", "7"), "rate_limited", true);
        assertThat(limited.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertStatus(500, Map.of(), "upstream_unavailable", true);
        assertStatus(503, Map.of(), "upstream_unavailable", true);
    }

    private ProviderException assertStatus(int status, Map<String, String> headers, String code, boolean retryable) {
        UPSTREAM.answer(request -> FakeUpstream.Reply.status(status, "{\"error\":\"echo sk-SECRET\"}", headers));
        Throwable error = provider().stream(REQUEST).materialize().blockLast(Duration.ofSeconds(10)).getThrowable();
        assertThat(error).isInstanceOf(ProviderException.class);
        ProviderException provider = (ProviderException) error;
        assertThat(provider.code()).as("HTTP %d", status).isEqualTo(code);
        assertThat(provider.retryable()).as("HTTP %d retryable", status).isEqualTo(retryable);
        assertThat(provider.getMessage()).doesNotContain("SECRET");
        return provider;
    }
}
