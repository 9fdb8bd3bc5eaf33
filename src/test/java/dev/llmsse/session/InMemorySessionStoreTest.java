package dev.llmsse.session;

import reactor.core.scheduler.Schedulers;

class InMemorySessionStoreTest extends SessionStoreContract {

    private final SessionStore store = new InMemorySessionStore(Schedulers.parallel());

    @Override
    protected SessionStore store() {
        return store;
    }
}
