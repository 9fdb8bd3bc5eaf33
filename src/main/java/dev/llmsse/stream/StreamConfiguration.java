package dev.llmsse.stream;

import java.util.UUID;

import dev.llmsse.config.GatewayProperties;
import dev.llmsse.config.MemoryProperties;
import dev.llmsse.provider.ProviderRegistry;
import dev.llmsse.session.ReasoningStates;
import dev.llmsse.session.ReplicaBus;
import dev.llmsse.session.SessionStore;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import reactor.core.scheduler.Schedulers;

/** Wires the stream core to the configured store. */
@Configuration(proxyBeanMethods = false)
class StreamConfiguration {

    @Bean
    Ownership ownership(GatewayProperties properties) {
        return new Ownership(UUID.randomUUID().toString(), properties.redis().lease(), Schedulers.parallel());
    }

    @Bean
    StreamService streamService(GatewayProperties properties, SessionStore store, ReplicaBus bus,
            ProviderRegistry providers, Ownership ownership, MeterRegistry meters,
            ObjectProvider<GenerationGate> gate, ObjectProvider<Overload> overload, MemoryProperties memory,
            KeptReasoning kept) {
        return new StreamService(properties.stream(), properties.shutdown(), Schedulers.parallel(), store, bus,
                providers::resolve, ownership, meters, admission(gate, overload),
                new LogBudget(memory.eventLogBudget().toBytes()), kept);
    }

    /** Reasoning states of tool calls, kept as long as finished generations are ({@code stream.retention}). */
    @Bean
    KeptReasoning keptReasoning(GatewayProperties properties, ReasoningStates states) {
        return new KeptReasoning(states, properties.stream().retention());
    }

    /** The limits' gate (if any) behind load shedding (if the edge measures load). */
    private static GenerationGate admission(ObjectProvider<GenerationGate> gate, ObjectProvider<Overload> overload) {
        return new SheddingGate(gate.getIfAvailable(() -> GenerationGate.OPEN),
                overload.getIfAvailable(() -> Overload.NONE));
    }

    /** The estimated bytes of this replica's in-memory event logs, against {@code gateway.memory.event-log-budget}. */
    @Bean
    MeterBinder eventLogMeters(StreamService streams) {
        return registry -> Gauge.builder("llmsse.stream.log.bytes", streams, StreamService::logBytes)
                .description("estimated heap of the in-memory event logs, running and retained")
                .baseUnit("bytes")
                .register(registry);
    }

    @Bean
    StreamDrain streamDrain(StreamService streams) {
        return streams.drain();
    }

    @Bean
    AnswerService answerService(GatewayProperties properties, ObjectProvider<GenerationGate> gate,
            ObjectProvider<Overload> overload, KeptReasoning kept) {
        return new AnswerService(properties.stream(), Schedulers.parallel(), admission(gate, overload), kept);
    }

    /** What clients have waiting in this replica, and how many were cut for falling behind. */
    @Bean
    MeterBinder subscriberBufferMeters(StreamService streams) {
        SubscriberBuffers buffers = streams.subscriberBuffers();
        return registry -> {
            Gauge.builder("llmsse.stream.subscriber.buffered", buffers, SubscriberBuffers::buffered)
                    .description("frames waiting for slow clients, all subscribers together")
                    .register(registry);
            Gauge.builder("llmsse.stream.subscriber.buffered.peak", buffers, SubscriberBuffers::peak)
                    .description("the most frames one subscriber ever had waiting")
                    .register(registry);
            FunctionCounter.builder("llmsse.stream.subscriber.cut", buffers, SubscriberBuffers::cut)
                    .description("clients cut for falling more than gateway.stream.max-subscriber-lag frames behind")
                    .register(registry);
        };
    }
}
