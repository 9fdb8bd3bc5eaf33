package dev.llmsse.bench;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape of one mock answer: how many tokens, how far apart, and the pause before the first.
 *
 * <p>Chosen per request, first match wins for each of the three values:
 * <ol>
 *   <li>query parameters {@code tokens}, {@code delay_ms}, {@code first_ms} (direct and nginx runs, which
 *       send {@code GET}s with the shape in the URL);</li>
 *   <li>the model name, {@code mock-t<tokens>-d<delay ms>-f<first ms>}, any part optional, e.g.
 *       {@code mock-t100-d20-f0} or {@code mock-d0.5} (runs through the gateway, which passes
 *       {@code model=openai/mock-t100-d20} on unchanged as {@code "model":"mock-t100-d20"});</li>
 *   <li>the mock's command-line defaults.</li>
 * </ol>
 * A request's {@code max_tokens} (or {@code max_completion_tokens}) then caps the token count, as a real
 * model would. Delays may be fractional milliseconds.
 */
record Shape(int tokens, long delayNanos, long firstNanos) {

    private static final Pattern TOKENS = Pattern.compile("-t(\\d+)");
    private static final Pattern DELAY = Pattern.compile("-d(\\d+(?:\\.\\d+)?)");
    private static final Pattern FIRST = Pattern.compile("-f(\\d+(?:\\.\\d+)?)");

    static Shape resolve(Shape defaults, Map<String, List<String>> query, String model, Integer maxTokens) {
        Integer tokens = intParam(query, "tokens");
        Double delay = doubleParam(query, "delay_ms");
        Double first = doubleParam(query, "first_ms");
        if (model != null) {
            if (tokens == null) {
                tokens = group(TOKENS, model) == null ? null : Integer.valueOf(group(TOKENS, model));
            }
            if (delay == null) {
                delay = group(DELAY, model) == null ? null : Double.valueOf(group(DELAY, model));
            }
            if (first == null) {
                first = group(FIRST, model) == null ? null : Double.valueOf(group(FIRST, model));
            }
        }
        int count = tokens != null ? tokens : defaults.tokens;
        if (maxTokens != null && maxTokens > 0) {
            count = Math.min(count, maxTokens);
        }
        return new Shape(Math.max(count, 0),
                delay != null ? millisToNanos(delay) : defaults.delayNanos,
                first != null ? millisToNanos(first) : defaults.firstNanos);
    }

    static long millisToNanos(double millis) {
        return Math.round(millis * 1_000_000d);
    }

    private static String group(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        return matcher.find() ? matcher.group(1) : null;
    }

    private static Integer intParam(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : Integer.valueOf(values.get(0));
    }

    private static Double doubleParam(Map<String, List<String>> query, String name) {
        List<String> values = query.get(name);
        return values == null || values.isEmpty() ? null : Double.valueOf(values.get(0));
    }
}
