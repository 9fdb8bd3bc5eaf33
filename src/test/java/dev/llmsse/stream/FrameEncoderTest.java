package dev.llmsse.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import dev.llmsse.chat.StreamEvent;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.json.JsonMapper;

class FrameEncoderTest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    @Test
    void aTokenIsWrittenExactlyAsTheMapperWritesItsFrame() {
        String[] tricky = {"", "plain", " \"quoted\" ", "back\\slash", "line\nbreak\r\n", "tab\t", "nul\u0000",
            "del\u007f", "bell\u0007", "u2028\u2028u2029\u2029", "emoji 😀", "é ü 中文", "</script>", "\ud800 lone",
            "{\"token\":\"x\"}", "data: injected\n\n"};
        for (String text : tricky) {
            assertThat(FrameEncoder.tokenJson(text)).as(text).isEqualTo(viaMapper(text));
        }
    }

    @Test
    void randomTextFromAllOfUnicodeIsWrittenAsTheMapperWritesIt() {
        Random random = new Random(20261127);
        for (int i = 0; i < 2000; i++) {
            StringBuilder text = new StringBuilder();
            int length = random.nextInt(40);
            for (int j = 0; j < length; j++) {
                int codePoint = random.nextInt(4) == 0 ? random.nextInt(0x80) : random.nextInt(0x110000);
                text.appendCodePoint(codePoint);
            }
            assertThat(FrameEncoder.tokenJson(text.toString())).isEqualTo(viaMapper(text.toString()));
        }
    }

    @Test
    void theTokenPayloadParsesBackToTheText() {
        String text = "a \"b\" \\ c\n\u0001 😀";
        assertThat(MAPPER.readTree(FrameEncoder.encode(1, new StreamEvent.Token(text)).data()).get("token")
                .stringValue()).isEqualTo(text);
    }

    @Test
    void usageCarriesCacheTokensApartAndEstimatedOnlyWhenTrue() {
        StreamEvent.Usage reported = new StreamEvent.Usage(25L, 30L, null, 10L, 5L);
        assertThat(FrameEncoder.encode(1, new StreamEvent.Done("stop", reported)).data()).isEqualTo(
                "{\"done\":true,\"finishReason\":\"stop\",\"usage\":{\"inputTokens\":25,\"outputTokens\":30,"
                        + "\"cacheReadTokens\":10,\"cacheWriteTokens\":5}}");
        StreamEvent.Usage counted = new StreamEvent.Usage(null, 3L, null, null, null, true);
        assertThat(FrameEncoder.encode(2, new StreamEvent.Failed("truncated", "cut", true, counted)).data()).isEqualTo(
                "{\"error\":{\"code\":\"truncated\",\"message\":\"cut\",\"retryable\":true},"
                        + "\"usage\":{\"outputTokens\":3,\"estimated\":true}}");
        assertThat(FrameEncoder.encode(3, new StreamEvent.Failed("auth", "no", false)).data())
                .isEqualTo("{\"error\":{\"code\":\"auth\",\"message\":\"no\",\"retryable\":false}}");
    }

    private static String viaMapper(String text) {
        return MAPPER.writeValueAsString(new FrameEncoder.TokenFrame(text));
    }
}
