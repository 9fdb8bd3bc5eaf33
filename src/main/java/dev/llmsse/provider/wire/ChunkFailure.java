package dev.llmsse.provider.wire;

import java.util.ArrayList;
import java.util.List;

/**
 * Carries a decoding failure past the items the same chunk produced before it. The chunk's items are
 * followed by a marker, and a {@code map} step turns the marker into the error: throwing from the
 * {@code concatMapIterable} mapper would drop those items, and Reactor reads iterables through spliterators
 * that look ahead, so throwing from the iterator loses the last item too.
 *
 * @param <T> the decoded item type
 */
final class ChunkFailure<T> {

    private final T marker;
    private RuntimeException failure;

    ChunkFailure(T marker) {
        this.marker = marker;
    }

    /** The chunk's items, followed by the marker when decoding it failed. */
    List<T> items(List<T> items, RuntimeException error) {
        if (error == null) {
            return items;
        }
        failure = error;
        List<T> withMarker = new ArrayList<>(items.size() + 1);
        withMarker.addAll(items);
        withMarker.add(marker);
        return withMarker;
    }

    /** For {@code map}: passes items on, and turns the marker into the recorded failure (map signals it). */
    T relay(T item) {
        if (item == marker) {
            throw failure;
        }
        return item;
    }
}
