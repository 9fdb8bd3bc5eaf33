package dev.llmsse.bench;

import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One target's result made from its turns in a run of rounds ({@code run.sh}'s {@code run_rounds}: one gateway,
 * {@code /api/llm} and the door measured in turns). Counts, tokens, windows and CPU seconds are the turns' sums,
 * events per second their tokens over their windows; a latency percentile is the turns' mean (the histograms
 * themselves are not in the results), a maximum the highest. {@code turns} lists each turn's own figures.
 */
final class Turns {

    private static final List<String> MEASURE_SUMS = List.of("started", "completed", "dropped", "errors", "tokens",
            "heartbeats", "wallSeconds", "windowSeconds");
    private static final List<String> HISTOGRAMS = List.of("ttftMicros", "gapMicros", "headersMicros");
    private static final List<String> UPSTREAM_SUMS = List.of("started", "completed", "cancelled",
            "connectionsOpened", "tokensSent", "badRequests");

    private Turns() {
    }

    static JsonNode merge(List<JsonNode> turns) {
        ObjectNode merged = (ObjectNode) turns.get(0).deepCopy();
        JsonNode last = turns.get(turns.size() - 1);
        if (last.has("endExec")) {
            merged.set("endExec", last.get("endExec"));
        }
        ObjectNode measure = (ObjectNode) merged.path("measure");
        for (String field : MEASURE_SUMS) {
            double total = sum(turns, "measure", field);
            if (field.endsWith("Seconds")) {
                measure.put(field, total);
            } else {
                measure.put(field, Math.round(total));
            }
        }
        double windowTokens = 0;
        for (JsonNode turn : turns) {
            windowTokens += turn.path("measure").path("tokenEventsPerSecond").asDouble()
                    * turn.path("measure").path("windowSeconds").asDouble();
        }
        double window = measure.path("windowSeconds").asDouble();
        measure.put("tokenEventsPerSecond", window > 0 ? windowTokens / window : 0);
        ObjectNode kinds = measure.putObject("errorKinds");
        for (JsonNode turn : turns) {
            for (Map.Entry<String, JsonNode> kind : turn.path("measure").path("errorKinds").properties()) {
                kinds.put(kind.getKey(), kinds.path(kind.getKey()).asLong(0) + kind.getValue().asLong());
            }
        }
        for (String histogram : HISTOGRAMS) {
            mergeHistogram(measure, turns, "measure", histogram);
        }
        mergeHistogram(merged, turns, null, "clientLoopLagMicros");
        for (Map.Entry<String, JsonNode> group : merged.path("processes").properties()) {
            mergeProcess((ObjectNode) group.getValue(), turns, group.getKey());
        }
        if (merged.path("upstream").isObject()) {
            ObjectNode upstream = (ObjectNode) merged.path("upstream");
            for (String field : UPSTREAM_SUMS) {
                upstream.put(field, Math.round(sum(turns, "upstream", field)));
            }
            upstream.put("activeMax", max(turns, "upstream", "activeMax"));
            upstream.put("connectionsMax", max(turns, "upstream", "connectionsMax"));
        }
        var list = merged.putArray("turns");
        for (JsonNode turn : turns) {
            list.addObject().put("label", turn.path("label").asString(""))
                    .put("tokenEventsPerSecond", turn.path("measure").path("tokenEventsPerSecond").asDouble())
                    .put("cpuMicrosPerEvent", Report.cpuMicrosPerEvent(turn));
        }
        return merged;
    }

    private static void mergeHistogram(ObjectNode parent, List<JsonNode> turns, String section, String name) {
        if (!parent.path(name).isObject()) {
            return;
        }
        ObjectNode histogram = (ObjectNode) parent.path(name);
        for (Map.Entry<String, JsonNode> field : histogram.properties()) {
            String key = field.getKey();
            double total = 0;
            double highest = 0;
            for (JsonNode turn : turns) {
                JsonNode value = (section == null ? turn : turn.path(section)).path(name).path(key);
                total += value.asDouble();
                highest = Math.max(highest, value.asDouble());
            }
            long merged = Math.round(switch (key) {
                case "count" -> total;
                case "max" -> highest;
                default -> total / turns.size();
            });
            histogram.put(key, merged);
        }
    }

    private static void mergeProcess(ObjectNode group, List<JsonNode> turns, String name) {
        double cpuSeconds = 0;
        double cpu = 0;
        double wait = 0;
        long peak = 0;
        for (JsonNode turn : turns) {
            JsonNode of = turn.path("processes").path(name);
            cpuSeconds += of.path("cpuSeconds").asDouble();
            cpu += of.path("cpuPercent").asDouble();
            wait += of.path("cpuWaitPercent").asDouble();
            peak = Math.max(peak, of.path("rssPeakKb").asLong());
        }
        group.put("cpuSeconds", cpuSeconds);
        group.put("cpuPercent", cpu / turns.size());
        group.put("cpuWaitPercent", wait / turns.size());
        group.put("rssPeakKb", peak);
    }

    private static double sum(List<JsonNode> turns, String section, String field) {
        double total = 0;
        for (JsonNode turn : turns) {
            total += turn.path(section).path(field).asDouble();
        }
        return total;
    }

    private static long max(List<JsonNode> turns, String section, String field) {
        long highest = 0;
        for (JsonNode turn : turns) {
            highest = Math.max(highest, turn.path(section).path(field).asLong());
        }
        return highest;
    }
}
