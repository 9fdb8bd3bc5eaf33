package dev.llmsse.provider;

import java.util.List;

import dev.llmsse.chat.StreamEvent;

/**
 * The reasoning block an adapter may have open. Providers mark reasoning per item (a thinking delta, a
 * {@code thought} part, a {@code reasoning_content} field) rather than as a bracketed block, so each adapter
 * opens the block with the first reasoning text and closes it before the first thing that is not reasoning:
 * clients then always see start, deltas, end, in that order. One instance per response; not thread-safe.
 */
public final class ReasoningBlock {

    private boolean open;

    /** Adds {@code text} (nothing when null or empty) to {@code events}, opening the block first if needed. */
    public void delta(String text, List<StreamEvent> events) {
        if (text == null || text.isEmpty()) {
            return;
        }
        if (!open) {
            open = true;
            events.add(new StreamEvent.ReasoningStart());
        }
        events.add(new StreamEvent.ReasoningDelta(text));
    }

    /** Adds the block's end to {@code events} if a block is open. */
    public void close(List<StreamEvent> events) {
        if (open) {
            open = false;
            events.add(new StreamEvent.ReasoningEnd());
        }
    }
}
