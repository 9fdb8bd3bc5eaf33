package dev.llmsse.stream;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import dev.llmsse.chat.StreamEvent;
import dev.llmsse.session.LoggedEvent;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;

import tools.jackson.databind.json.JsonMapper;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The gateway's per-token encoding: {@link FrameEncoder#encode} turns a {@link StreamEvent.Token} into the
 * logged JSON payload (once per event), then {@code FrameStreams} makes it an {@link SseFrame} with its id
 * and wire bytes (once per subscriber). This class lives in the gateway's package because {@code FrameEncoder} is
 * package-private; the gateway's compiled classes are copied into the benchmark jar (see bench/pom.xml).
 *
 * <p>{@link #referencePreEncodedBytes} is not gateway code: it is the floor to compare with, the same frame
 * written straight into a pooled buffer from pre-encoded parts, as a byte-level encoder could.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FrameEncoderBenchmark {

    private static final String[] WORDS = {"The", " quick", " brown", " fox", " jumps", " over", " the",
            " lazy", " dog", ",", " and", " \"quoted\"", " it", " runs", " away", "."};
    private static final String GENERATION_ID = "pb4VJ3mE0n9Ew2mxqz3Yfg";
    private static final byte[] ID_PREFIX = ("id:" + GENERATION_ID + ".").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA_PREFIX = "\ndata:{\"token\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] FRAME_END = "\"}\n\n".getBytes(StandardCharsets.US_ASCII);

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private final StreamEvent.Token[] tokens = new StreamEvent.Token[WORDS.length];
    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private long seq;

    public FrameEncoderBenchmark() {
        for (int i = 0; i < WORDS.length; i++) {
            tokens[i] = new StreamEvent.Token(WORDS[i]);
        }
    }

    /** The gateway's FrameEncoder: record → JSON string via a Jackson 3 JsonMapper, per event. */
    @Benchmark
    public LoggedEvent frameEncoderEncodeToken() {
        long s = ++seq;
        return FrameEncoder.encode(s, tokens[(int) (s & 15)]);
    }

    /** FrameEncoder plus the per-subscriber frame that FrameStreams builds: the id, then the wire bytes. */
    @Benchmark
    public SseFrame encodeTokenAndBuildSseFrame() {
        long s = ++seq;
        LoggedEvent event = FrameEncoder.encode(s, tokens[(int) (s & 15)]);
        return SseFrame.of(GENERATION_ID + "." + event.seq(), event.event(), event.data());
    }

    /** The token payload as the gateway wrote it before: the record through the JsonMapper. */
    @Benchmark
    public String mapperTokenPayload() {
        long s = ++seq;
        return MAPPER.writeValueAsString(new FrameEncoder.TokenFrame(WORDS[(int) (s & 15)]));
    }

    /** Reference floor: the whole wire frame written into a pooled buffer from pre-encoded parts. */
    @Benchmark
    public int referencePreEncodedBytes() {
        long s = ++seq;
        String text = WORDS[(int) (s & 15)];
        ByteBuf buf = alloc.buffer(64);
        try {
            buf.writeBytes(ID_PREFIX);
            writeDecimal(buf, s);
            buf.writeBytes(DATA_PREFIX);
            writeJsonStringContent(buf, text);
            buf.writeBytes(FRAME_END);
            return buf.readableBytes();
        } finally {
            buf.release();
        }
    }

    private static void writeDecimal(ByteBuf buf, long value) {
        if (value >= 10) {
            writeDecimal(buf, value / 10);
        }
        buf.writeByte((int) ('0' + value % 10));
    }

    private static void writeJsonStringContent(ByteBuf buf, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                buf.writeByte('\\').writeByte(c);
            } else if (c < 0x20) {
                buf.writeCharSequence(String.format("\\u%04x", (int) c), StandardCharsets.US_ASCII);
            } else if (c < 0x80) {
                buf.writeByte(c);
            } else {
                buf.writeCharSequence(text.substring(i, i + 1), StandardCharsets.UTF_8);
            }
        }
    }
}
