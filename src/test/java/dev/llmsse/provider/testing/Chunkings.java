package dev.llmsse.provider.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/** Ways to cut a byte stream into network chunks, as a real network might. */
public final class Chunkings {

    private Chunkings() {
    }

    /** The body cut into two at {@code offset}. */
    public static List<byte[]> splitAt(byte[] body, int offset) {
        return List.of(Arrays.copyOfRange(body, 0, offset), Arrays.copyOfRange(body, offset, body.length));
    }

    /** The body cut at every given offset at once (offsets ascending). */
    public static List<byte[]> cutAt(byte[] body, int[] offsets) {
        List<byte[]> chunks = new ArrayList<>(offsets.length + 1);
        int from = 0;
        for (int offset : offsets) {
            if (offset > from && offset < body.length) {
                chunks.add(Arrays.copyOfRange(body, from, offset));
                from = offset;
            }
        }
        chunks.add(Arrays.copyOfRange(body, from, body.length));
        return chunks;
    }

    /** One chunk per byte. */
    public static List<byte[]> bytewise(byte[] body) {
        List<byte[]> chunks = new ArrayList<>(body.length);
        for (byte b : body) {
            chunks.add(new byte[] {b});
        }
        return chunks;
    }

    /** Random chunk sizes between 1 and {@code maxChunk}. */
    public static List<byte[]> random(byte[] body, Random random, int maxChunk) {
        List<byte[]> chunks = new ArrayList<>();
        int at = 0;
        while (at < body.length) {
            int size = Math.min(body.length - at, 1 + random.nextInt(maxChunk));
            chunks.add(Arrays.copyOfRange(body, at, at + size));
            at += size;
        }
        return chunks;
    }

    /**
     * The split points that matter most: inside every multi-byte UTF-8 character, between every CR and LF,
     * around every line end, plus {@code extra} random offsets. All offsets when the body is small.
     */
    public static int[] interestingOffsets(byte[] body, int everyOffsetUpTo, int cap, Random random) {
        if (body.length <= everyOffsetUpTo) {
            int[] all = new int[body.length + 1];
            Arrays.setAll(all, i -> i);
            return all;
        }
        TreeSet<Integer> offsets = new TreeSet<>(List.of(0, 1, 2, 3, body.length - 1, body.length));
        List<Integer> interesting = new ArrayList<>();
        for (int i = 1; i < body.length; i++) {
            boolean insideChar = (body[i] & 0xC0) == 0x80;
            boolean crlf = body[i - 1] == '\r' && body[i] == '\n';
            boolean lineEnd = body[i - 1] == '\n' || body[i] == '\n';
            if (insideChar || crlf || lineEnd) {
                interesting.add(i);
            }
        }
        if (interesting.size() <= cap) {
            offsets.addAll(interesting);
        } else {
            for (int i = 0; i < cap; i++) {
                offsets.add(interesting.get(random.nextInt(interesting.size())));
            }
        }
        for (int i = 0; i < Math.min(cap / 4, 256); i++) {
            offsets.add(random.nextInt(body.length + 1));
        }
        return offsets.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Hex-decodes one chunk as written in {@code cases.json}. */
    public static byte[] hex(String hex) {
        byte[] bytes = new byte[hex.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
        }
        return bytes;
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
