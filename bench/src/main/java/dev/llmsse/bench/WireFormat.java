package dev.llmsse.bench;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * The bytes a provider sends, pre-encoded once as complete HTTP/1.1 chunks ({@code <hex size>\r\n … \r\n}),
 * so that the mock's per-token work is one shared-buffer write and flush: no JSON, no string building.
 * Only the tail (which carries the token count) is built per request.
 */
abstract class WireFormat {

    /** A small vocabulary, cycled, so that the answer is not one repeated token. */
    static final String[] WORDS = {"The", " quick", " brown", " fox", " jumps", " over", " the", " lazy",
            " dog", ",", " and", " then", " it", " runs", " away", "."};

    static final WireFormat OPENAI = new OpenAi();
    static final WireFormat ANTHROPIC = new Anthropic();

    private final String name;
    /** Sent right after the response headers, before the pause for the first token. */
    private final ByteBuf preamble;
    /** Sent together with the first token. */
    private final ByteBuf firstPrefix;
    private final ByteBuf[] tokens;

    WireFormat(String name, String preamble, String firstPrefix, String[] tokenEvents) {
        this.name = name;
        this.preamble = preamble.isEmpty() ? null : constant(chunk(preamble));
        this.firstPrefix = firstPrefix.isEmpty() ? null : constant(chunk(firstPrefix));
        this.tokens = new ByteBuf[tokenEvents.length];
        for (int i = 0; i < tokenEvents.length; i++) {
            tokens[i] = constant(chunk(tokenEvents[i]));
        }
    }

    String name() {
        return name;
    }

    /** Null when this format sends nothing before the first token. */
    ByteBuf preamble() {
        return preamble == null ? null : preamble.retainedDuplicate();
    }

    ByteBuf firstPrefix() {
        return firstPrefix == null ? null : firstPrefix.retainedDuplicate();
    }

    /** The chunk carrying token number {@code index} (from 0). */
    ByteBuf token(int index) {
        return tokens[index % tokens.length].retainedDuplicate();
    }

    /** Everything after the last token: finish reason, usage, terminator, and the last (empty) chunk. */
    ByteBuf tail(ByteBufAllocator alloc, int promptTokens, int completionTokens) {
        String events = tailEvents(promptTokens, completionTokens);
        byte[] chunk = chunk(events);
        ByteBuf buf = alloc.buffer(chunk.length + LAST_CHUNK.length);
        buf.writeBytes(chunk).writeBytes(LAST_CHUNK);
        return buf;
    }

    abstract String tailEvents(int promptTokens, int completionTokens);

    static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    static byte[] chunk(String payload) {
        byte[] data = payload.getBytes(StandardCharsets.UTF_8);
        byte[] head = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + data.length + 2];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(data, 0, out, head.length, data.length);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }

    private static ByteBuf constant(byte[] bytes) {
        // Held for the life of the process: every write sends a retained duplicate, released once written.
        return Unpooled.directBuffer(bytes.length).writeBytes(bytes);
    }

    static String jsonString(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * OpenAI Chat Completions streaming, shaped like a live recording with {@code stream_options.include_usage}
     * (see shared/provider-transcripts/openai/chat-include-usage-obfuscation.sse): every chunk carries
     * {@code "usage":null} and an {@code obfuscation} padding field, the last JSON chunk has {@code choices: []}
     * and the usage, then {@code data: [DONE]}. A chunk is about 330 bytes, as there.
     */
    private static final class OpenAi extends WireFormat {

        private static final String HEAD = "{\"id\":\"chatcmpl-D8dV4fIhj9EeF5vu9iDuZYuG5qp3o\","
                + "\"object\":\"chat.completion.chunk\",\"created\":1770950834,\"model\":\"mock\","
                + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_ad98c18a04\",";
        private static final String PAD = "\"obfuscation\":\"PiUM2UVvJJ\"}";

        OpenAi() {
            super("openai", "",
                    "data: " + HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\","
                            + "\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null," + PAD
                            + "\n\n",
                    tokenEvents());
        }

        private static String[] tokenEvents() {
            String[] events = new String[WORDS.length];
            for (int i = 0; i < WORDS.length; i++) {
                events[i] = "data: " + HEAD + "\"choices\":[{\"index\":0,\"delta\":{\"content\":"
                        + jsonString(WORDS[i]) + "},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,"
                        + PAD + "\n\n";
            }
            return events;
        }

        @Override
        String tailEvents(int promptTokens, int completionTokens) {
            return "data: " + HEAD + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,"
                    + "\"finish_reason\":\"stop\"}],\"usage\":null," + PAD + "\n\n"
                    + "data: " + HEAD + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + promptTokens
                    + ",\"completion_tokens\":" + completionTokens + ",\"total_tokens\":"
                    + (promptTokens + completionTokens) + ",\"prompt_tokens_details\":{\"cached_tokens\":0,"
                    + "\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
                    + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}}," + PAD + "\n\n"
                    + "data: [DONE]\n\n";
        }
    }

    /**
     * Anthropic Messages streaming, shaped like a live recording (shared/provider-transcripts/anthropic/
     * messages-text.sse), including the spaces live responses pad before the closing brace.
     */
    private static final class Anthropic extends WireFormat {

        Anthropic() {
            super("anthropic",
                    "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"mock\","
                            + "\"id\":\"msg_013nnniYDrJDocdy5nrMU7cH\",\"type\":\"message\",\"role\":\"assistant\","
                            + "\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":9,"
                            + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1,"
                            + "\"service_tier\":\"standard\"}}   }\n\n"
                            + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
                            + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}     }\n\n"
                            + "event: ping\ndata: {\"type\": \"ping\"}\n\n",
                    "", tokenEvents());
        }

        private static String[] tokenEvents() {
            String[] events = new String[WORDS.length];
            for (int i = 0; i < WORDS.length; i++) {
                events[i] = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"text_delta\",\"text\":" + jsonString(WORDS[i]) + "}          }\n\n";
            }
            return events;
        }

        @Override
        String tailEvents(int promptTokens, int completionTokens) {
            return "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0        }\n\n"
                    + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
                    + "\"end_turn\",\"stop_sequence\":null},\"usage\":{\"input_tokens\":" + promptTokens
                    + ",\"output_tokens\":" + completionTokens + "}             }\n\n"
                    + "event: message_stop\ndata: {\"type\":\"message_stop\"              }\n\n";
        }
    }
}
