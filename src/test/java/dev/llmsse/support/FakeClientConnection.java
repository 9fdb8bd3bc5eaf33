package dev.llmsse.support;

import java.util.concurrent.atomic.AtomicInteger;

import dev.llmsse.stream.ClientConnection;

/**
 * A client connection without a socket, for tests of what the core does with one: how many bytes it reports
 * waiting, whether it says a frame left lately, and how often it was reset.
 *
 * @param unsentBytes what {@link #unsentBytes()} reports (above 0: a client behind on reading)
 * @param sentLately  what {@link #sentWithin(long)} reports, whatever the window
 * @param resets      counts {@link #reset()} calls
 */
public record FakeClientConnection(long unsentBytes, boolean sentLately, AtomicInteger resets)
        implements ClientConnection {

    /** A client that reads everything at once and has not been sent anything lately. */
    public static FakeClientConnection keepingUp() {
        return new FakeClientConnection(0, false, new AtomicInteger());
    }

    /** A client with {@code unsentBytes} waiting that still took a frame within any window. */
    public static FakeClientConnection behindBy(long unsentBytes) {
        return new FakeClientConnection(unsentBytes, true, new AtomicInteger());
    }

    @Override
    public boolean sentWithin(long millis) {
        return sentLately;
    }

    @Override
    public void reset() {
        resets.incrementAndGet();
    }
}
