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

    private static String viaMapper(String text) {
        return MAPPER.writeValueAsString(new FrameEncoder.TokenFrame(text));
    }
}
