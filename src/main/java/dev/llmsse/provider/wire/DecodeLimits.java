package dev.llmsse.provider.wire;

/**
 * Bounds on what an upstream decoder buffers, so that an endless line or event ends the stream with an
 * error instead of growing memory without limit.
 *
 * @param maxLineBytes  longest line accepted, in bytes, without its line ending
 * @param maxEventBytes largest SSE event accepted: the sum of its {@code data} values, in bytes
 */
public record DecodeLimits(int maxLineBytes, int maxEventBytes) {

    /** One MiB per line and four MiB per event: far above any real chunk, far below a memory problem. */
    public static final DecodeLimits DEFAULT = new DecodeLimits(1 << 20, 4 << 20);

    public DecodeLimits {
        if (maxLineBytes < 1 || maxEventBytes < 1) {
            throw new IllegalArgumentException("decode limits must be positive");
        }
    }
}
