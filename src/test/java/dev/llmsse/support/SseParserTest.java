package dev.llmsse.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.llmsse.support.SseParser.Field;
import dev.llmsse.support.SseParser.Frame;

import org.junit.jupiter.api.Test;

/**
 * The test parser against the examples of the WHATWG HTML standard (section 9.2.6) and its parsing rules.
 * Every case is parsed twice, whole and one byte at a time, and both must agree: the gateway's bytes arrive
 * split at arbitrary points.
 */
class SseParserTest {

    @Test
    void joinsDataLinesWithLineFeeds() {
        // The standard's stock-ticker example.
        List<Frame> frames = parse("data: YHOO\ndata: +2\ndata: 10\n\n");

        assertThat(frames).singleElement().satisfies(frame -> {
            assertThat(frame.data()).isEqualTo("YHOO\n+2\n10");
            assertThat(frame.type()).isEqualTo("message");
            assertThat(frame.firesEvent()).isTrue();
        });
    }

    @Test
    void handlesCommentsIdsAndAnUnterminatedLastEvent() {
        // The standard's second example: a comment block fires nothing, "id" alone resets the last event id,
        // only one space after the colon is dropped, and the last block has no blank line after it.
        List<Frame> frames = parse(": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\n"
                + "data:  third event\n");

        assertThat(frames).hasSize(3);
        assertThat(frames.get(0).comments()).containsExactly(" test stream");
        assertThat(frames.get(0).firesEvent()).isFalse();
        assertThat(frames.get(1).data()).isEqualTo("first event");
        assertThat(frames.get(1).id()).isEqualTo("1");
        assertThat(frames.get(1).lastEventId()).isEqualTo("1");
        assertThat(frames.get(2).data()).isEqualTo("second event");
        assertThat(frames.get(2).id()).isEmpty();
        assertThat(frames.get(2).lastEventId()).isEmpty();

        SseParser parser = new SseParser();
        parser.feed(bytes("data:  third event\n\n"));
        assertThat(parser.frames()).singleElement().extracting(Frame::data).isEqualTo(" third event");
    }

    @Test
    void fieldWithoutColonHasAnEmptyValue() {
        // The standard's third example: "data" alone adds an empty line to the data buffer.
        List<Frame> frames = parse("data\n\ndata\ndata\n\ndata:");

        assertThat(frames).extracting(Frame::data).containsExactly("", "\n");
        SseParser parser = new SseParser();
        parser.feed(bytes("data\n\ndata\ndata\n\ndata:"));
        assertThat(parser.hasPendingInput()).isTrue();
    }

    @Test
    void spaceAfterColonIsOptional() {
        // The standard's fourth example: both blocks fire "test".
        assertThat(parse("data:test\n\ndata: test\n\n")).extracting(Frame::data).containsExactly("test", "test");
    }

    @Test
    void acceptsLfCrAndCrlfLineEndsAlsoWhenSplit() {
        List<Frame> frames = parse("event: a\rdata: 1\r\rid: x\r\ndata: 2\r\n\r\ndata: 3\n\n");

        assertThat(frames).extracting(Frame::data).containsExactly("1", "2", "3");
        assertThat(frames.get(0).type()).isEqualTo("a");
        assertThat(frames.get(1).id()).isEqualTo("x");
        // A CRLF that arrives as CR, then LF in the next read is one line end, not a line and a blank line.
        SseParser parser = new SseParser();
        assertThat(parser.feed(bytes("data: a\r"))).isEmpty();
        assertThat(parser.feed(bytes("\ndata: b\r"))).isEmpty();
        assertThat(parser.feed(bytes("\n\r"))).singleElement().extracting(Frame::data).isEqualTo("a\nb");
        assertThat(parser.feed(bytes("\n"))).isEmpty();
        assertThat(parser.hasPendingInput()).isFalse();
    }

    @Test
    void dropsOneLeadingByteOrderMarkOnly() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(bom);
        body.writeBytes(bytes("data: a\n\n"));
        body.writeBytes(bom);
        body.writeBytes(bytes("data: b\n\n"));

        List<Frame> frames = parseBoth(body.toByteArray());

        // The second BOM is part of a field name the standard ignores, so that block fires nothing.
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0).data()).isEqualTo("a");
        assertThat(frames.get(1).firesEvent()).isFalse();
        assertThat(frames.get(1).fields()).containsExactly(new Field("\uFEFFdata", "b"));
    }

    @Test
    void retryCountsOnlyWhenAllDigitsAndFiresNoEvent() {
        SseParser parser = new SseParser();
        parser.feed(bytes("retry: 3000\n\nretry: 3s\n\nretry:\n\n"));

        List<Frame> frames = parser.frames();
        assertThat(frames).hasSize(3);
        assertThat(frames.get(0).retry()).isEqualTo(3000L);
        assertThat(frames.get(0).firesEvent()).isFalse();
        assertThat(frames.get(1).retry()).isNull();
        assertThat(frames.get(2).retry()).isNull();
        assertThat(parser.reconnectionTime()).isEqualTo(3000L);
    }

    @Test
    void idWithNulIsIgnoredAndIdPersistsAcrossEvents() {
        List<Frame> frames = parse("id: 7\ndata: a\n\nid: x\u0000y\ndata: b\n\ndata: c\n\n");

        assertThat(frames).extracting(Frame::data).containsExactly("a", "b", "c");
        assertThat(frames).extracting(Frame::id).containsExactly("7", null, null);
        assertThat(frames).extracting(Frame::lastEventId).containsExactly("7", "7", "7");
    }

    @Test
    void unknownFieldsAreIgnoredButRecorded() {
        List<Frame> frames = parse("foo: bar\ndata: x\nData: y\n\n");

        assertThat(frames).singleElement().satisfies(frame -> {
            assertThat(frame.data()).isEqualTo("x");
            assertThat(frame.fieldNames()).containsExactly("foo", "data", "Data");
        });
    }

    @Test
    void decodesUtf8SplitAcrossReadsAndKeepsOtherLineSeparators() {
        // U+2028 and NEL are not SSE line ends; an emoji arrives in four separate reads.
        List<Frame> frames = parse("data: \uD83D\uDE00 a\u2028b\u0085c\n\n");

        assertThat(frames).singleElement().extracting(Frame::data).isEqualTo("\uD83D\uDE00 a\u2028b\u0085c");
    }

    @Test
    void discardsAnEventThatTheStreamEndsInTheMiddleOf() {
        SseParser parser = new SseParser();
        parser.feed(bytes("data: complete\n\ndata: partial\n"));

        assertThat(parser.frames()).extracting(Frame::data).containsExactly("complete");
        assertThat(parser.hasPendingInput()).isTrue();
    }

    private static List<Frame> parse(String text) {
        return parseBoth(bytes(text));
    }

    /** Parses whole and byte by byte; the two must give the same frames. */
    private static List<Frame> parseBoth(byte[] body) {
        List<Frame> whole = SseParser.parse(body);
        SseParser bytewise = new SseParser();
        List<Frame> pieces = new ArrayList<>();
        for (int i = 0; i < body.length; i++) {
            pieces.addAll(bytewise.feed(body, i, 1));
        }
        assertThat(pieces).isEqualTo(whole).isEqualTo(bytewise.frames());
        return whole;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
