package dev.llmsse.session;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import reactor.core.scheduler.Schedulers;

/** The in-memory store, unless {@code gateway.store=redis} selects the Redis one. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "gateway.store", havingValue = "memory", matchIfMissing = true)
class SessionStoreConfiguration {

    @Bean
    SessionStore inMemorySessionStore() {
        return new InMemorySessionStore(Schedulers.parallel());
    }

    @Bean
    SessionAliases inMemorySessionAliases() {
        return new InMemorySessionAliases(Schedulers.parallel());
    }

    @Bean
    ReasoningStates inMemoryReasoningStates() {
        return new InMemoryReasoningStates(Schedulers.parallel());
    }

    @Bean
    ReplicaBus localReplicaBus() {
        return new LocalReplicaBus();
    }
}
