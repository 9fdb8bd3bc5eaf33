package dev.llmsse.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Plain-text log lines carry {@code [traceId-spanId-requestId]} when they are about a request, and nothing
 * at all when not (issue 17: a blank field of 50 spaces between brackets on every start-up line).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@ExtendWith(OutputCaptureExtension.class)
class LogCorrelationTest {

    private static final Logger LOG = LoggerFactory.getLogger(LogCorrelationTest.class);

    @Test
    void theCorrelationFieldIsLeftOutWhenThereIsNoRequest(CapturedOutput output) {
        LOG.info("a line about no request");
        MDC.put("requestId", "req-17");
        try {
            LOG.info("a line about a request");
        } finally {
            MDC.remove("requestId");
        }

        String outside = line(output, "a line about no request");
        String inside = line(output, "a line about a request");
        assertThat(outside).doesNotContainPattern("\\[ {20,}\\]").contains("LogCorrelationTest        : a line");
        assertThat(inside).containsPattern("\\[ {32}- {16}-req-17\\] ");
    }

    private static String line(CapturedOutput output, String text) {
        return Arrays.stream(output.getOut().split("\n")).filter(line -> line.contains(text)).findFirst()
                .orElseThrow(() -> new AssertionError("no line with " + text + " in:\n" + output.getOut()));
    }
}
