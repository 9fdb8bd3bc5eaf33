package dev.llmsse.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The load client's paired mode ({@code --alt-url}): two routes of one server measured in one run, their
 * streams launched in strict alternation (primary first) in the warm-up and in the measurement. Both routes
 * then meet the same process, the same JIT and GC history and the same machine load, stream by stream, so
 * their difference is the routes' own; two runs against two fresh processes differ by more than that.
 *
 * <p>Each route gets its own result, built from the run's shared one (same processes, CPU, mock counters)
 * with that route's streams, warm-up and cancellations.
 */
final class Pairing {

    static final String METHOD = "one server process; launches alternate strictly between the two routes, "
            + "primary first, in the warm-up and in the measurement";
    static final String RATE_BASIS = "the route's tokens per second of stream slot time: tokens / (its streams' "
            + "open time, connect to end, summed / concurrent streams)";

    private Pairing() {
    }

    /**
     * Replaces the measure's token rate with the route's own: its tokens over the share of the stream slots
     * its streams held. The window's rate counts both routes; split by window it would favour the route that
     * goes first by up to one stream, while per slot time a route's rate is its streams' alone (for one stream
     * at a time: 200 tokens / (TTFT + gaps + end) each), whatever the order. The window's rate of both routes
     * together is kept as {@code windowTokenEventsPerSecond}.
     */
    static void perRoute(Map<String, Object> measure, PhaseStats stats, int streams) {
        Object window = measure.remove("tokenEventsPerSecond");
        if (measure.containsKey("windowSeconds")) {
            measure.put("windowTokenEventsPerSecond", window);
        }
        double open = stats.openNanos / 1e9;
        double slotSeconds = open / Math.max(1, streams);
        measure.put("openSeconds", LoadClient.round(open));
        measure.put("tokenEventsPerSecond", LoadClient.round(slotSeconds > 0 ? stats.tokens / slotSeconds : 0));
    }

    /** What both routes' results say of the pairing: the method, both labels, both routes' stream counts. */
    static Map<String, Object> info(Args args, PhaseStats primary, PhaseStats alt) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("method", METHOD);
        info.put("primary", args.string("label", ""));
        info.put("alternate", altLabel(args));
        info.put("primaryStreams", primary.started);
        info.put("alternateStreams", alt.started);
        info.put("rateBasis", RATE_BASIS);
        return info;
    }

    /** The alternate route's result: the run's, with the alternate's label, URL, streams and cancellations. */
    static Map<String, Object> altResult(Args args, Map<String, Object> result, Map<String, Object> altMeasure,
            Map<String, Object> altWarmup, Map<String, Object> altCancel) {
        Map<String, Object> alt = new LinkedHashMap<>(result);
        alt.put("label", altLabel(args));
        alt.put("url", args.string("alt-url", ""));
        if (altWarmup != null) {
            alt.put("warmup", altWarmup);
        }
        alt.put("measure", altMeasure);
        if (altCancel != null) {
            alt.put("cancel", altCancel);
        }
        return alt;
    }

    private static String altLabel(Args args) {
        return args.string("alt-label", args.string("label", "") + "-alt");
    }
}
