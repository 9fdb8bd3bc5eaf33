package dev.llmsse.provider.wire;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * What one chunk produced: its complete items, then the error that stopped the chunk, if any. Returned from
 * {@code concatMapIterable}, it lets the items decoded before a failure reach the subscriber ahead of the
 * error (Reactor signals an exception thrown by the iterator as {@code onError}).
 */
final class Drained<T> implements Iterable<T> {

    private final List<T> items;
    private final RuntimeException failure;

    Drained(List<T> items, RuntimeException failure) {
        this.items = items;
        this.failure = failure;
    }

    /** The items alone when nothing failed: the common case allocates no wrapper. */
    static <T> Iterable<T> of(List<T> items, RuntimeException failure) {
        return failure == null ? items : new Drained<>(items, failure);
    }

    @Override
    public Iterator<T> iterator() {
        Iterator<T> delegate = items.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                if (delegate.hasNext()) {
                    return true;
                }
                throw failure;
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return delegate.next();
            }
        };
    }
}
