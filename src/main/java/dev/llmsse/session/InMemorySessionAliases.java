package dev.llmsse.session;

import reactor.core.scheduler.Scheduler;

/**
 * Aliases in this process ({@code gateway.store=memory}). Session ids are never reused, so a timer that
 * removes only the pair it was set for never ends a later pointing of the same alias.
 */
public final class InMemorySessionAliases extends ExpiringMap<String> implements SessionAliases {

    public InMemorySessionAliases(Scheduler timer) {
        super(timer);
    }
}
