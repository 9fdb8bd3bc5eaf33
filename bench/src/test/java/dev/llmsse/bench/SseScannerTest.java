package dev.llmsse.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import org.junit.jupiter.api.Test;

class SseScannerTest {

    private static final String GATEWAY = "retry:3000\n\n"
            + "event:ping\ndata:keep-alive\n\n"
            + "id:abc.1\ndata:{\"token\":\"Hel\"}\n\n"
            + "id:abc.2\ndata:{\"token\":\"lo\"}\n\n"
            + "event:usage\ndata:{\"inputTokens\":1}\n\n"
            + "id:abc.3\ndata:{\"done\":true,\"finishReason\":\"stop\"}\n\n";

    private static final String GATEWAY_ERROR = "retry:3000\n\nid:x.1\ndata:{\"token\":\"a\"}\n\n"
            + "id:x.2\ndata:{\"error\":{\"code\":\"upstream\",\"message\":\"m\",\"retryable\":true}}\n\n";

    @Test
    void gatewayFrames() {
        assertEquals(List.of(SseScanner.Kind.PING, SseScanner.Kind.TOKEN, SseScanner.Kind.TOKEN,
                SseScanner.Kind.OTHER, SseScanner.Kind.DONE), scanSplitEverywhere(GATEWAY));
        assertEquals(List.of(SseScanner.Kind.TOKEN, SseScanner.Kind.ERROR), scanSplitEverywhere(GATEWAY_ERROR));
    }

    @Test
    void mockOpenAiStreamHasOneTokenPerContentChunkAndEndsWithDone() {
        String stream = mockStream(WireFormat.OPENAI, 5);
        List<SseScanner.Kind> kinds = scanSplitEverywhere(stream);
        assertEquals(5, kinds.stream().filter(k -> k == SseScanner.Kind.TOKEN).count());
        assertEquals(SseScanner.Kind.DONE, kinds.get(kinds.size() - 1));
        assertEquals(List.of(SseScanner.Kind.OTHER), kinds.subList(0, 1)); // the role chunk is no token
    }

    @Test
    void mockAnthropicStream() {
        List<SseScanner.Kind> kinds = scanSplitEverywhere(mockStream(WireFormat.ANTHROPIC, 4));
        assertEquals(4, kinds.stream().filter(k -> k == SseScanner.Kind.TOKEN).count());
        assertEquals(1, kinds.stream().filter(k -> k == SseScanner.Kind.PING).count());
        assertEquals(SseScanner.Kind.DONE, kinds.get(kinds.size() - 1));
    }

    @Test
    void crlfAndCrLineEndings() {
        assertEquals(List.of(SseScanner.Kind.TOKEN, SseScanner.Kind.DONE),
                scanSplitEverywhere("data: {\"token\":\"a\"}\r\n\r\ndata: [DONE]\r\n\r\n"));
        assertEquals(List.of(SseScanner.Kind.TOKEN, SseScanner.Kind.DONE),
                scanSplitEverywhere("data: {\"token\":\"a\"}\r\rdata: [DONE]\r\r"));
    }

    @Test
    void emptyOpenAiContentIsNoToken() {
        assertEquals(List.of(SseScanner.Kind.OTHER, SseScanner.Kind.TOKEN), scanSplitEverywhere(
                "data: {\"choices\":[{\"delta\":{\"content\":\"\"}}]}\n\n"
                        + "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n"));
    }

    @Test
    void gatewayOpenAiDoorFirstChunkCarriesRoleAndText() {
        assertEquals(List.of(SseScanner.Kind.TOKEN, SseScanner.Kind.TOKEN, SseScanner.Kind.DONE), scanSplitEverywhere(
                "id: a.1\ndata: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,"
                        + "\"delta\":{\"role\":\"assistant\",\"content\":\"You\"}}]}\n\n"
                        + ": ping\n\n"
                        + "id: a.2\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" \"}}]}\n\n"
                        + "data: [DONE]\n\n"));
    }

    /** The mock's own bytes for an answer of {@code tokens} tokens, with the HTTP chunk framing removed. */
    private static String mockStream(WireFormat format, int tokens) {
        StringBuilder out = new StringBuilder();
        ByteBuf preamble = format.preamble();
        if (preamble != null) {
            out.append(unchunk(preamble));
        }
        for (int i = 0; i < tokens; i++) {
            if (i == 0 && format.firstPrefix() != null) {
                out.append(unchunk(format.firstPrefix()));
            }
            out.append(unchunk(format.token(i)));
        }
        out.append(unchunk(format.tail(io.netty.buffer.ByteBufAllocator.DEFAULT, 9, tokens)));
        return out.toString();
    }

    private static String unchunk(ByteBuf chunks) {
        String raw = chunks.toString(StandardCharsets.UTF_8);
        chunks.release();
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < raw.length()) {
            int lineEnd = raw.indexOf("\r\n", at);
            int size = Integer.parseInt(raw.substring(at, lineEnd), 16);
            out.append(raw, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
        return out.toString();
    }

    /** Scans the text split into two reads at every offset; every split must give the same events. */
    private static List<SseScanner.Kind> scanSplitEverywhere(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        List<SseScanner.Kind> whole = scan(bytes, bytes.length);
        for (int split = 0; split < bytes.length; split++) {
            assertEquals(whole, scan(bytes, split), "split at " + split);
        }
        return whole;
    }

    private static List<SseScanner.Kind> scan(byte[] bytes, int split) {
        List<SseScanner.Kind> kinds = new ArrayList<>();
        SseScanner scanner = new SseScanner(kinds::add);
        Unpooled.wrappedBuffer(bytes, 0, split).forEachByte(scanner);
        Unpooled.wrappedBuffer(bytes, split, bytes.length - split).forEachByte(scanner);
        return kinds;
    }
}
