package dev.llmsse.session;

import reactor.core.scheduler.Schedulers;

class InMemorySessionAliasesTest extends SessionAliasesContract {

    private final SessionAliases aliases = new InMemorySessionAliases(Schedulers.parallel());

    @Override
    protected SessionAliases aliases() {
        return aliases;
    }
}
