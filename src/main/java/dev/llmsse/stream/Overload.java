package dev.llmsse.stream;

import java.time.Duration;

/**
 * How far behind this process is in serving what it already admitted, as the edge measures it (the
 * HTTP server's event loops). Admission refuses new answers while it is behind, so that a starved or
 * cold process keeps the pace of the streams it has instead of admitting more than it can serve.
 */
@FunctionalInterface
public interface Overload {

    /** Never behind: admission does not look at load. */
    Overload NONE = () -> Duration.ZERO;

    /**
     * How long work waits before this process gets to it, when that is more than the edge allows
     * ({@code gateway.http.max-loop-lag}); {@link Duration#ZERO} while it is within that.
     */
    Duration behindBy();
}
