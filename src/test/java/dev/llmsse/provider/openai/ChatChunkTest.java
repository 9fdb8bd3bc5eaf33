package dev.llmsse.provider.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import dev.llmsse.chat.ProviderException;
import dev.llmsse.chat.StreamEvent;

import org.junit.jupiter.api.Test;

/** The streaming chunk reader on shapes the recorded transcripts do not have. */
class ChatChunkTest {

    @Test
    void readsChoiceZeroWhateverTheFieldOrderAndSkipsOtherChoices() {
        ChatChunk chunk = parse("{\"choices\":[{\"delta\":{\"content\":\"b\"},\"index\":1},"
                + "{\"delta\":{\"extra\":[1,{\"x\":2}],\"content\":\"a\",\"tool_calls\":[{\"function\":"
                + "{\"arguments\":\"{}\",\"name\":\"f\"},\"id\":\"c1\",\"index\":2}]},\"finish_reason\":\"stop\","
                + "\"logprobs\":{\"content\":[]},\"index\":0}],\"usage\":null,\"model\":\"m\"}");
        assertThat(chunk.choices).containsExactly(new ChatChunk.Choice("a", null,
                java.util.List.of(new ChatChunk.ToolCall(2, "c1", "f", "{}")), "stop", null));
        assertThat(chunk.usage).isNull();
        assertThat(chunk.error).isFalse();
    }

    @Test
    void readsReasoningUnderEitherNameCompatibleServersUse() {
        assertThat(parse("{\"choices\":[{\"index\":0,\"delta\":{\"content\":null,\"reasoning_content\":\"hm\"}}]}")
                .choices).containsExactly(new ChatChunk.Choice(null, null, java.util.List.of(), null, "hm"));
        assertThat(parse("{\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"so\",\"content\":\"\"}}]}")
                .choices).containsExactly(new ChatChunk.Choice("", null, java.util.List.of(), null, "so"));
        assertThat(parse("{\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":null,\"content\":\"a\"}}]}")
                .choices).containsExactly(new ChatChunk.Choice("a", null, java.util.List.of(), null, null));
    }

    @Test
    void readsUsageAndErrors() {
        assertThat(parse("{\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":1}}}").usage)
                .isEqualTo(new StreamEvent.Usage(3L, 4L, 1L));
        ChatChunk error = parse("{\"error\":{\"message\":\"m\",\"code\":\"server_error\",\"param\":null}}");
        assertThat(error.error).isTrue();
        assertThat(error.errorType).isEqualTo("server_error");
        assertThat(parse("{\"error\":\"plain text\"}").error).isTrue();
        assertThat(parse("{\"error\":null,\"choices\":[]}").error).isFalse();
    }

    @Test
    void malformedJsonIsAProtocolError() {
        assertThatThrownBy(() -> parse("{\"choices\":[{\"delta\":")).isInstanceOfSatisfying(ProviderException.class,
                error -> assertThat(error.code()).isEqualTo("upstream_protocol"));
        assertThatThrownBy(() -> parse("[1]")).isInstanceOf(ProviderException.class);
    }

    private static ChatChunk parse(String json) {
        return ChatChunk.parse(json.getBytes(StandardCharsets.UTF_8));
    }
}
