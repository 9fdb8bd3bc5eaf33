package dev.llmsse.web.aisdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;

import reactor.core.Disposable;
import reactor.core.publisher.Mono;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The AI SDK door over real sockets with the echo provider: the UI message stream's shape, problem JSON for bad
 * input, 204 when there is nothing to resume or stop, a resume that replays the running answer from its start,
 * and a stop that ends it. The AI SDK's own client is {@link AiSdkClientTest}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.providers.echo.token-delay=100ms",
        "gateway.limits.max-prompt-chars=300",
        "gateway.stream.detach-grace=30s"})
class AiSdkDoorTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    // Some 40 tokens 100 ms apart: seconds in which to resume or stop it while it runs, even on a loaded machine.
    private static final String LONG = "one two three four five six seven eight nine ten eleven twelve thirteen "
            + "fourteen fifteen sixteen seventeen eighteen nineteen twenty";

    @LocalServerPort
    int port;

    WebClient client;

    @BeforeEach
    void setUp() {
        client = WebClient.create("http://127.0.0.1:" + port);
    }

    record Answer(int status, HttpHeaders headers, String body) {

        /** The {@code data} of each event, in order. */
        List<String> data() {
            return body.lines().filter(line -> line.startsWith("data: ")).map(line -> line.substring(6)).toList();
        }

        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    @Test
    void anAnswerIsAUiMessageStreamWithTheAiSdksHeader() {
        Answer answer = post("/api/chat", chat("c-1", "hello world"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.headers().getFirst("x-vercel-ai-ui-message-stream")).isEqualTo("v1");
        assertThat(answer.headers().getContentType().isCompatibleWith(MediaType.TEXT_EVENT_STREAM)).isTrue();
        assertThat(answer.headers().getCacheControl()).contains("no-cache");
        List<String> data = answer.data();
        assertThat(JSON.readTree(data.get(0)).path("messageId").asString()).matches("[A-Za-z0-9_-]{22}");
        assertThat(data.subList(1, data.size())).containsExactly(
                "{\"type\":\"start-step\"}",
                "{\"type\":\"text-start\",\"id\":\"text-1\"}",
                "{\"type\":\"text-delta\",\"id\":\"text-1\",\"delta\":\"You\"}",
                "{\"type\":\"text-delta\",\"id\":\"text-1\",\"delta\":\" \"}",
                "{\"type\":\"text-delta\",\"id\":\"text-1\",\"delta\":\"said:\"}",
                "{\"type\":\"text-delta\",\"id\":\"text-1\",\"delta\":\" \"}",
                "{\"type\":\"text-delta\",\"id\":\"text-1\",\"delta\":\"hello\"}",
                "{\"type\":\"text-delta\",\"id\":\"text-1\",\"delta\":\" \"}",
                "{\"type\":\"text-delta\",\"id\":\"text-1\",\"delta\":\"world\"}",
                "{\"type\":\"text-end\",\"id\":\"text-1\"}",
                "{\"type\":\"finish-step\"}",
                // The echo provider's usage, where the AI SDK keeps it: message.metadata.usage.
                "{\"type\":\"finish\",\"finishReason\":\"stop\","
                        + "\"messageMetadata\":{\"usage\":{\"inputTokens\":3,\"outputTokens\":7}}}",
                "[DONE]");
    }

    @Test
    void theConversationIsTheTextOfItsPartsAndWhatOnlyTheUiNeedsIsLeftOut() {
        String body = "{\"id\":\"c-2\",\"trigger\":\"regenerate-message\",\"messageId\":\"m9\",\"model\":\"echo/echo\","
                + "\"anythingTheAppAdds\":{\"x\":[1]},\"messages\":["
                + "{\"id\":\"m1\",\"role\":\"system\",\"parts\":[{\"type\":\"text\",\"text\":\"Be brief.\"}]},"
                + "{\"id\":\"m2\",\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"first\"}]},"
                + "{\"id\":\"m3\",\"role\":\"assistant\",\"metadata\":{\"a\":1},\"parts\":[{\"type\":\"step-start\"},"
                + "{\"type\":\"reasoning\",\"text\":\"hmm\",\"state\":\"done\"},{\"type\":\"source-url\",\"sourceId\":\"s\","
                + "\"url\":\"https://example.org\"},{\"type\":\"text\",\"text\":\"an answer\",\"state\":\"done\"}]},"
                + "{\"id\":\"m4\",\"role\":\"assistant\",\"parts\":[{\"type\":\"step-start\"}]},"
                + "{\"id\":\"m5\",\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"second \"},"
                + "{\"type\":\"data-weather\",\"data\":{\"t\":1}},{\"type\":\"text\",\"text\":\"turn\"}]}]}";

        Answer answer = post("/api/chat", body);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(text(answer)).isEqualTo("You said: second turn");
    }

    @Test
    void finishedToolCallsInTheHistoryAreAcceptedWhateverTheirOutput() {
        String body = "{\"id\":\"c-3\",\"model\":\"echo/echo\",\"tools\":[{\"name\":\"get_weather\"}],\"messages\":["
                + "{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"weather?\"}]},"
                + "{\"role\":\"assistant\",\"parts\":[{\"type\":\"step-start\"},{\"type\":\"text\",\"text\":\"Let me look.\"},"
                + "{\"type\":\"tool-get_weather\",\"toolCallId\":\"a\",\"state\":\"output-available\","
                + "\"input\":{\"city\":\"Oslo\"},\"output\":{\"t\":3}},"
                + "{\"type\":\"dynamic-tool\",\"toolName\":\"lookup\",\"toolCallId\":\"b\",\"state\":\"output-error\","
                + "\"input\":{},\"errorText\":\"offline\"},"
                + "{\"type\":\"step-start\"},{\"type\":\"text\",\"text\":\"It is 3 degrees.\"}]},"
                + "{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"thanks\"}]}]}";

        Answer answer = post("/api/chat", body);

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(text(answer)).isEqualTo("You said: thanks");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "no chat id                 | {\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]}]} | 400 | bad_request",
        "a chat id with a space     | {\"id\":\"a b\",\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]}]} | 400 | bad_request",
        "a chat id with a dot first | {\"id\":\"..\",\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]}]} | 400 | bad_request",
        "a chat id that is a number | {\"id\":5,\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]}]} | 400 | bad_request",
        "no messages                | {\"id\":\"c\"} | 400 | bad_request",
        "empty messages             | {\"id\":\"c\",\"messages\":[]} | 400 | bad_request",
        "messages not a list        | {\"id\":\"c\",\"messages\":\"hi\"} | 400 | bad_request",
        "a message without parts    | {\"id\":\"c\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | 400 | bad_request",
        "a part without a type      | {\"id\":\"c\",\"messages\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]} | 400 | bad_request",
        "a text part without text   | {\"id\":\"c\",\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\"}]}]} | 400 | bad_request",
        "a file part                | {\"id\":\"c\",\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"file\",\"url\":\"data:,x\",\"mediaType\":\"text/plain\"}]}]} | 400 | bad_request",
        "a tool part                | {\"id\":\"c\",\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]},{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool-get_weather\",\"toolCallId\":\"t\",\"state\":\"output-available\"}]}]} | 400 | bad_request",
        "a dynamic tool part        | {\"id\":\"c\",\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"dynamic-tool\",\"toolName\":\"x\"}]}]} | 400 | bad_request",
        "a call awaiting its output  | {\"id\":\"c\",\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]},{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool-get_weather\",\"toolCallId\":\"t\",\"state\":\"input-available\",\"input\":{}}]}]} | 400 | bad_request",
        "a call awaiting approval    | {\"id\":\"c\",\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]},{\"role\":\"assistant\",\"parts\":[{\"type\":\"dynamic-tool\",\"toolName\":\"x\",\"toolCallId\":\"t\",\"state\":\"approval-requested\",\"input\":{}}]}]} | 400 | bad_request",
        "a call without an id        | {\"id\":\"c\",\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]},{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool-x\",\"state\":\"output-available\",\"input\":{},\"output\":1}]}]} | 400 | bad_request",
        "a call whose input is a list| {\"id\":\"c\",\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]},{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool-x\",\"toolCallId\":\"t\",\"state\":\"output-available\",\"input\":[1],\"output\":1}]}]} | 400 | bad_request",
        "a dynamic tool without name | {\"id\":\"c\",\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]},{\"role\":\"assistant\",\"parts\":[{\"type\":\"dynamic-tool\",\"toolCallId\":\"t\",\"state\":\"output-available\",\"input\":{},\"output\":1}]}]} | 400 | bad_request",
        "tools that are no list      | {\"id\":\"c\",\"tools\":{\"name\":\"x\"},\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]}]} | 400 | bad_request",
        "a tool choice of no tool    | {\"id\":\"c\",\"tools\":[{\"name\":\"x\"}],\"toolChoice\":{\"name\":\"y\"},\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]}]} | 400 | bad_request",
        "a resume as trigger        | {\"id\":\"c\",\"trigger\":\"resume-stream\",\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]}]} | 400 | bad_request",
        "a tool role                | {\"id\":\"c\",\"messages\":[{\"role\":\"tool\",\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]}]} | 400 | bad_request",
        "a tool role after a user   | {\"id\":\"c\",\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]},{\"role\":\"tool\",\"parts\":[{\"type\":\"text\",\"text\":\"22\"}]}]} | 400 | bad_request",
        "no user text               | {\"id\":\"c\",\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\" \"}]}]} | 400 | bad_request",
        "a duplicate key            | {\"id\":\"c\",\"id\":\"d\",\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]}]} | 400 | bad_request",
        "a text that is a number    | {\"id\":\"c\",\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":5}]}]} | 400 | bad_request",
        "a lone surrogate           | {\"id\":\"c\",\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"a\\ud800\"}]}]} | 400 | bad_request",
        "not JSON                   | {\"id\": | 400 | bad_request",
        "an unknown model           | {\"id\":\"c\",\"model\":\"nope/x\",\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"hi\"}]}]} | 400 | unknown_model",
        "too much text              | {\"id\":\"c\",\"messages\":[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"text\":\"LONG\"}]}]} | 413 | too_large"})
    void badInputIsAProblemNeverAStream(String why, String body, int status, String code) {
        Answer answer = post("/api/chat", body.replace("LONG", "x".repeat(301)));

        assertProblem(answer, status, code);
    }

    @Test
    void aBodyThatIsNotJsonIsRefusedAsOurOtherBodiesAre() {
        Answer answer = client.post().uri("/api/chat").contentType(MediaType.TEXT_PLAIN).bodyValue("hi")
                .exchangeToMono(AiSdkDoorTest::answer).block(Duration.ofSeconds(10));

        assertProblem(answer, 400, "unsupported_media_type");
    }

    @Test
    void nothingToResumeOrStopIs204AndABadChatIdIsAProblem() {
        assertThat(get("/api/chat/never-started/stream").status()).isEqualTo(204);
        assertThat(post("/api/chat/never-started/stop", "").status()).isEqualTo(204);
        assertProblem(get("/api/chat/a%20b/stream"), 400, "bad_request");
        assertProblem(post("/api/chat/" + "x".repeat(129) + "/stop", ""), 400, "bad_request");
    }

    @Test
    void aResumeReplaysTheRunningAnswerFromItsStartAndFindsNothingAfterItsEnd() {
        List<String> first = new CopyOnWriteArrayList<>();
        Disposable cut = postStream("c-resume", first);
        await().atMost(Duration.ofSeconds(10)).until(() -> first.stream().anyMatch(data -> data.contains("text-delta")));
        cut.dispose();

        Answer resumed = get("/api/chat/c-resume/stream");

        assertThat(resumed.status()).isEqualTo(200);
        assertThat(resumed.headers().getFirst("x-vercel-ai-ui-message-stream")).isEqualTo("v1");
        assertThat(resumed.data().get(0)).isEqualTo(first.get(0));
        assertThat(text(resumed)).isEqualTo("You said: " + LONG);
        assertThat(resumed.data().get(resumed.data().size() - 2)).startsWith("{\"type\":\"finish\",\"finishReason\":\"stop\",");
        assertThat(resumed.data()).endsWith("[DONE]");
        assertThat(get("/api/chat/c-resume/stream").status()).isEqualTo(204);
    }

    @Test
    void aStopEndsTheRunningAnswerForItsClientWithAnAbort() {
        List<String> data = new CopyOnWriteArrayList<>();
        Disposable stream = postStream("c-stop", data);
        await().atMost(Duration.ofSeconds(10)).until(() -> data.stream().anyMatch(chunk -> chunk.contains("text-delta")));

        assertThat(post("/api/chat/c-stop/stop", "").status()).isEqualTo(204);

        await().atMost(Duration.ofSeconds(5)).until(stream::isDisposed);
        assertThat(data).endsWith("{\"type\":\"abort\",\"reason\":\"stopped\"}", "[DONE]");
        // Before the abort, which has no place for it, the usage so far: the tokens sent, counted by the gateway.
        assertThat(data.get(data.size() - 3)).startsWith("{\"type\":\"message-metadata\"").contains("\"estimated\":true");
        assertThat(data.get(data.size() - 4)).isEqualTo("{\"type\":\"finish-step\"}");
        String stopped = data.stream().filter(chunk -> chunk.contains("\"text-delta\""))
                .map(chunk -> JSON.readTree(chunk).path("delta").asString()).collect(Collectors.joining());
        assertThat("You said: " + LONG).startsWith(stopped).isNotEqualTo(stopped);
        assertThat(get("/api/chat/c-stop/stream").status()).isEqualTo(204);
    }

    /** Streams {@code POST /api/chat} in the background, each event's data; disposed once the response ends. */
    private Disposable postStream(String chatId, List<String> data) {
        return client.post().uri("/api/chat").contentType(MediaType.APPLICATION_JSON).bodyValue(chat(chatId, LONG))
                .retrieve().bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { })
                .filter(event -> event.data() != null).map(ServerSentEvent::data).subscribe(data::add);
    }

    private static String chat(String chatId, String text) {
        return "{\"id\":\"" + chatId + "\",\"trigger\":\"submit-message\",\"messages\":[{\"id\":\"m1\",\"role\":\"user\","
                + "\"parts\":[{\"type\":\"text\",\"text\":\"" + text + "\"}]}]}";
    }

    private static String text(Answer answer) {
        return answer.data().stream().filter(data -> data.contains("\"text-delta\""))
                .map(data -> JSON.readTree(data).path("delta").asString()).collect(Collectors.joining());
    }

    private static void assertProblem(Answer answer, int status, String code) {
        assertThat(answer.status()).as(answer.body()).isEqualTo(status);
        assertThat(answer.headers().getContentType().isCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)).isTrue();
        assertThat(answer.json().path("code").asString()).isEqualTo(code);
        assertThat(answer.json().path("detail").asString()).isNotBlank();
    }

    private Answer post(String path, String json) {
        return client.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(json)
                .exchangeToMono(AiSdkDoorTest::answer).block(Duration.ofSeconds(10));
    }

    private Answer get(String path) {
        return client.get().uri(path).exchangeToMono(AiSdkDoorTest::answer).block(Duration.ofSeconds(10));
    }

    private static Mono<Answer> answer(org.springframework.web.reactive.function.client.ClientResponse response) {
        return response.bodyToMono(String.class).defaultIfEmpty("")
                .map(body -> new Answer(response.statusCode().value(), response.headers().asHttpHeaders(), body));
    }
}
