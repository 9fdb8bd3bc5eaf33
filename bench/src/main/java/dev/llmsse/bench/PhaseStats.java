package dev.llmsse.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * What one event loop saw of one phase's streams. Each event loop has its own instance and is its only writer,
 * so recording needs no synchronization; instances are merged on the control thread after the phase, through a
 * task run on each loop (which orders the reads after the writes).
 */
final class PhaseStats {

    static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

    final Histogram ttftMicros = histogram();
    final Histogram gapMicros = histogram();
    final Histogram headersMicros = histogram();
    long started;
    long completed;
    long dropped;
    long tokens;
    long heartbeats;
    /** The streams' open time, summed: from each one's connect to its end. */
    long openNanos;
    long firstStartNanos = Long.MAX_VALUE;
    long lastEndNanos = Long.MIN_VALUE;
    final Map<String, Long> errors = new TreeMap<>();
    /** For each dropped stream: request id, close time (nanoTime), tokens received. */
    final List<long[]> drops = new ArrayList<>();

    static Histogram histogram() {
        return new Histogram(MAX_MICROS, 3);
    }

    static void record(Histogram histogram, long nanos) {
        histogram.recordValue(Math.max(0, Math.min(MAX_MICROS, nanos / 1000)));
    }

    void error(String kind) {
        errors.merge(kind, 1L, Long::sum);
    }

    long errorCount() {
        long sum = 0;
        for (long count : errors.values()) {
            sum += count;
        }
        return sum;
    }

    void add(PhaseStats other) {
        ttftMicros.add(other.ttftMicros);
        gapMicros.add(other.gapMicros);
        headersMicros.add(other.headersMicros);
        started += other.started;
        completed += other.completed;
        dropped += other.dropped;
        tokens += other.tokens;
        heartbeats += other.heartbeats;
        openNanos += other.openNanos;
        firstStartNanos = Math.min(firstStartNanos, other.firstStartNanos);
        lastEndNanos = Math.max(lastEndNanos, other.lastEndNanos);
        other.errors.forEach((kind, count) -> errors.merge(kind, count, Long::sum));
        drops.addAll(other.drops);
    }

    PhaseStats copy() {
        PhaseStats copy = new PhaseStats();
        copy.add(this);
        return copy;
    }

    /** p50/p90/p99/p99.9/max/mean in microseconds. */
    static Map<String, Object> summary(Histogram histogram) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("count", histogram.getTotalCount());
        if (histogram.getTotalCount() == 0) {
            return out;
        }
        out.put("p50", histogram.getValueAtPercentile(50));
        out.put("p90", histogram.getValueAtPercentile(90));
        out.put("p99", histogram.getValueAtPercentile(99));
        out.put("p999", histogram.getValueAtPercentile(99.9));
        out.put("max", histogram.getMaxValue());
        out.put("mean", Math.round(histogram.getMean()));
        return out;
    }
}
