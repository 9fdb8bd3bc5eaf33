package dev.llmsse.stream;

import java.time.Duration;
import java.util.function.Function;

import dev.llmsse.config.GatewayProperties;
import dev.llmsse.provider.ResolvedModel;
import dev.llmsse.session.InMemorySessionStore;
import dev.llmsse.session.LocalReplicaBus;
import dev.llmsse.session.ReplicaBus;
import dev.llmsse.session.SessionStore;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import reactor.core.scheduler.Scheduler;

/** A {@link StreamService} for tests: one replica in memory, no gate, no log budget, unless told otherwise. */
final class StreamServiceBuilder {

    private final Scheduler timer;
    private GatewayProperties.Stream settings = new GatewayProperties.Stream(Duration.ofSeconds(15),
            Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofSeconds(3),
            Duration.ofMinutes(5), Duration.ofMinutes(5), 10, 1000, 1000);
    private GatewayProperties.Shutdown shutdown =
            new GatewayProperties.Shutdown(Duration.ofSeconds(20), Duration.ofMillis(500));
    private SessionStore store;
    private ReplicaBus bus = new LocalReplicaBus();
    private Function<String, ResolvedModel> models = name -> null;
    private MeterRegistry meters = new SimpleMeterRegistry();
    private GenerationGate gate = GenerationGate.OPEN;
    private LogBudget budget = new LogBudget(Long.MAX_VALUE);

    private StreamServiceBuilder(Scheduler timer) {
        this.timer = timer;
        this.store = new InMemorySessionStore(timer);
    }

    /** Timers, the store's expiry and the lease renewals all run on {@code timer}. */
    static StreamServiceBuilder on(Scheduler timer) {
        return new StreamServiceBuilder(timer);
    }

    StreamServiceBuilder settings(GatewayProperties.Stream settings) {
        this.settings = settings;
        return this;
    }

    StreamServiceBuilder shutdown(GatewayProperties.Shutdown shutdown) {
        this.shutdown = shutdown;
        return this;
    }

    StreamServiceBuilder store(SessionStore store) {
        this.store = store;
        return this;
    }

    StreamServiceBuilder bus(ReplicaBus bus) {
        this.bus = bus;
        return this;
    }

    /** Resolves a stored {@code provider/model}, for generations adopted from the store. */
    StreamServiceBuilder models(Function<String, ResolvedModel> models) {
        this.models = models;
        return this;
    }

    StreamServiceBuilder meters(MeterRegistry meters) {
        this.meters = meters;
        return this;
    }

    StreamServiceBuilder gate(GenerationGate gate) {
        this.gate = gate;
        return this;
    }

    StreamServiceBuilder budget(LogBudget budget) {
        this.budget = budget;
        return this;
    }

    StreamService build() {
        return new StreamService(settings, shutdown, timer, store, bus, models,
                new Ownership("replica", Duration.ofSeconds(3), timer), meters, gate, budget, KeptReasoning.NONE);
    }
}
